// Path globs as pgshift.toml writes them, matched against '/'-separated relative paths:
// `*` any characters but '/', `?` one of them, `**` as a whole segment any number of segments
// (`app/**`, `**/*.md`, `db/**/expand/*.sql`), and a pattern ending in '/' everything below it.
// A pattern matches the whole path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::workspace {

bool GlobMatch(std::string_view pattern, std::string_view path);

class GlobSet {
 public:
  GlobSet() = default;
  explicit GlobSet(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {}
  bool Matches(std::string_view path) const;
  // Whether everything below `directory` matches (`dir/**`, `**/node_modules/**`): lets a walk of
  // the file system skip it whole.
  bool CoversDirectory(std::string_view directory) const;
  bool empty() const { return patterns_.empty(); }
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::vector<std::string> patterns_;
};

}  // namespace pgshift::workspace
