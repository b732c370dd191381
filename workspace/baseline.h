// A baseline: the findings a team accepts in an existing repository, so that a gate fails only on
// new ones. `pgshift baseline` writes it, `pgshift lint --baseline FILE` hides what it holds.
//
// A finding is known by its rule, its file (relative to the baseline file) and a fingerprint of
// the statement it is in, comments and whitespace aside: lines added above it, reformatting or a
// new comment do not make it new, while a changed statement does. Matching counts: two accepted
// findings hide at most two.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
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

// Removes the findings a baseline holds, file by file, as a lint run hands them over.
class BaselineFilter {
 public:
  BaselineFilter(const std::vector<BaselineEntry>& baseline, std::filesystem::path baseline_file);
  // Removes the findings of `file` that the baseline holds (each entry matches one finding).
  void Apply(LintedFile& file);
  // How many findings Apply removed so far.
  std::size_t removed() const { return removed_; }
  // The entries about the files applied to that matched no finding: fixed, or their statement
  // changed (entries about files not linted this time say nothing either way).
  std::vector<BaselineEntry> Stale() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // rule, file, fingerprint
  const std::vector<BaselineEntry>& baseline_;
  std::filesystem::path baseline_file_;
  std::map<Key, std::size_t> accepted_;
  std::set<std::string> linted_;  // relative to the baseline, as its entries name files
  std::size_t removed_ = 0;
};

// Removes the findings the baseline holds; returns how many it removed. With `stale`, sets it to
// BaselineFilter::Stale().
std::size_t ApplyBaseline(std::vector<LintedFile>& files,
                          const std::vector<BaselineEntry>& baseline,
                          const std::filesystem::path& baseline_file,
                          std::vector<BaselineEntry>* stale = nullptr);

}  // namespace pgshift::workspace
