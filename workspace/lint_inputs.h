// Turns the paths given to `pgshift lint` into the list of files to read: files as given,
// directories searched recursively for *.sql in a stable order, `-` for standard input.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::workspace {

struct LintInput {
  // As shown in findings. A string, not a path object: one splits itself into components, each a
  // string of its own, which for thousands of files held a fifth of a 1x run's heap.
  std::string path;
  bool from_stdin = false;
  // An editor's buffer: read instead of the file, which may be older or not exist yet.
  std::shared_ptr<const std::string> text = nullptr;
  // Listed by its folder as a regular file, not a link: resolving its path needs no lstat.
  bool regular_file = false;
};

struct InputsResult {
  std::vector<LintInput> inputs;
  std::vector<std::string> errors;  // paths that do not exist or cannot be listed
  // Directories given that hold no .sql file: a mistyped path or a wrong working directory, not
  // a clean result.
  std::vector<std::string> without_sql;
};

InputsResult CollectInputs(const std::vector<std::string>& paths, const std::string& stdin_name);

// std::filesystem::path's order (element by element) for two paths that share their start and
// separate their elements with single slashes, as a folder's walk gives them; without taking
// each path apart, which made sorting the files of a large tree a tenth of linting it.
bool PathLess(std::string_view a, std::string_view b);

// Reads a file (or standard input) whole; false with a message when it cannot be read, or when
// it holds more than `max_bytes` (which is then not read: see max_memory).
bool ReadInput(const LintInput& input, std::string& contents, std::string& error,
               std::size_t max_bytes);
// The same for a path, for files that are not inputs (earlier migrations).
bool ReadPath(const std::string& path, std::string& contents, std::string& error,
              std::size_t max_bytes);

}  // namespace pgshift::workspace
