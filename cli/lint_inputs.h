// Turns the paths given to `pgshift lint` into the list of files to read: files as given,
// directories searched recursively for *.sql in a stable order, `-` for standard input.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pgshift::cli {

struct LintInput {
  std::filesystem::path path;   // as shown in findings
  bool from_stdin = false;
};

struct InputsResult {
  std::vector<LintInput> inputs;
  std::vector<std::string> errors;  // paths that do not exist or cannot be listed
};

InputsResult CollectInputs(const std::vector<std::string>& paths, const std::string& stdin_name);

// Reads a file (or standard input) whole; false with a message when it cannot be read.
bool ReadInput(const LintInput& input, std::string& contents, std::string& error);

}  // namespace pgshift::cli
