// What every TOML file the runner reads (plans, fleet files) shares for its errors: each names the
// file, line and column, and the key it is about.
#pragma once

#include <toml++/toml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::runner {

// "plan.toml:3:14", where `where` begins in the file at `path`.
std::string TomlAt(const std::string& path, const toml::source_region& where);

// Collects the errors found while reading one file.
class TomlErrors {
 public:
  TomlErrors(const std::string& path, std::vector<std::string>& errors)
      : path_(path), errors_(errors) {}

  // "FILE:LINE:COLUMN: `key` what".
  void Error(const toml::node& node, const std::string& key, const std::string& what);
  // One error for each key of `table` not in `known` (named with `prefix`, e.g. "stage.").
  void RejectUnknown(const toml::table& table, const std::string& prefix,
                     std::initializer_list<std::string_view> known);

 protected:
  const std::string& path_;
  std::vector<std::string>& errors_;
};

}  // namespace pgshift::runner
