#include "runner/toml_errors.h"

#include <algorithm>

namespace pgshift::runner {

std::string TomlAt(const std::string& path, const toml::source_region& where) {
  return path + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

void TomlErrors::Error(const toml::node& node, const std::string& key, const std::string& what) {
  errors_.push_back(TomlAt(path_, node.source()) + ": `" + key + "` " + what);
}

void TomlErrors::RejectUnknown(const toml::table& table, const std::string& prefix,
                               std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : table) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    std::string expected;
    for (std::string_view k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
    errors_.push_back(TomlAt(path_, key.source()) + ": unknown key `" + prefix +
                      std::string(key.str()) + "` (expected one of: " + expected + ")");
  }
}

}  // namespace pgshift::runner
