// A baseline: the findings a team accepts in an existing repository, so that a gate fails only on
// new ones. `pgshift baseline` writes it, `pgshift lint --baseline FILE` hides what it holds.
//
// A finding is known by its rule, its file (relative to the baseline file) and a fingerprint of
// the statement it is in, comments and whitespace aside: lines added above it, reformatting or a
// new comment do not make it new, while a changed statement does. Matching counts: two accepted
// findings hide at most two.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workspace/linted_file.h"
#include "parser/splitter.h"

namespace pgshift::workspace {

struct BaselineEntry {
  std::string rule;
  std::string file;
  std::string fingerprint;
  int line = 0;         // for people reading the file; not used to match
  std::string message;  // likewise
};

// A fingerprint of the statement of `text` that holds `span` (of the line, outside statements).
std::string Fingerprint(std::string_view text, const parser::Span& span);
// The same with the statements of `text` split once, for many findings of one file.
std::string FingerprintIn(std::string_view text, const parser::SplitResult& split,
                          const parser::Span& span);

std::vector<BaselineEntry> BaselineOf(const std::vector<LintedFile>& files,
                                      const std::filesystem::path& baseline_file);
std::string BaselineJson(const std::vector<BaselineEntry>& entries);

// The entries of a baseline file, or an error naming the file (and line and column).
std::variant<std::vector<BaselineEntry>, std::string> ReadBaseline(
    const std::filesystem::path& baseline_file);

// Removes the findings the baseline holds; returns how many it removed. With `stale`, sets it to
// the entries about the files linted that matched no finding: fixed, or their statement changed
// (entries about files not linted this time say nothing either way).
std::size_t ApplyBaseline(std::vector<LintedFile>& files,
                          const std::vector<BaselineEntry>& baseline,
                          const std::filesystem::path& baseline_file,
                          std::vector<BaselineEntry>* stale = nullptr);

}  // namespace pgshift::workspace
