#include "tests/examples/app_spec.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

namespace pgshift::testing {
namespace {

class Reader {
 public:
  Reader(const std::string& path, const std::vector<std::string>& stages)
      : path_(path), stages_(stages) {}

  std::variant<AppSpec, std::vector<std::string>> Read() {
    toml::table root;
    try {
      root = toml::parse_file(path_);
    } catch (const toml::parse_error& error) {
      return std::vector<std::string>{path_ + ": " + std::string(error.description())};
    }
    AppSpec spec;
    for (const auto& [key, value] : root) {
      const std::string name(key.str());
      if (name == "old" || name == "new") {
        AppRelease& release = name == "old" ? spec.old_release : spec.new_release;
        release.name = name;
        if (const toml::table* table = value.as_table()) {
          Release(*table, release);
        } else {
          Error(name, "must be a table");
        }
      } else if (name == "check") {
        spec.check = String(value, name);
      } else {
        Error(name, "is not a key of an application file");
      }
    }
    for (const AppRelease* release : {&spec.old_release, &spec.new_release}) {
      if (release->name.empty()) Error(release == &spec.old_release ? "old" : "new", "is missing");
    }
    if (errors_.empty()) return spec;
    return errors_;
  }

 private:
  void Release(const toml::table& table, AppRelease& release) {
    for (const auto& [key, value] : table) {
      const std::string name(key.str());
      const std::string where = release.name + "." + name;
      if (name == "summary") {
        release.summary = String(value, where);
      } else if (name == "write" || name == "read") {
        (name == "write" ? release.write : release.read) = Strings(value, where);
      } else if (name == "deployed_after" || name == "retired_before") {
        (name == "deployed_after" ? release.deployed_after : release.retired_before) =
            Stage(value, where);
      } else {
        Error(where, "is not a key of a release");
      }
    }
    if (release.write.empty() && release.read.empty()) {
      Error(release.name, "has no statements (`write` or `read`)");
    }
    if (!release.deployed_after.empty() && !release.retired_before.empty() &&
        Index(release.retired_before) <= Index(release.deployed_after)) {
      Error(release.name + ".retired_before", "comes before the release is deployed");
    }
  }

  std::string String(const toml::node& value, const std::string& where) {
    if (const auto* text = value.as_string()) return text->get();
    Error(where, "must be a string");
    return {};
  }

  std::vector<std::string> Strings(const toml::node& value, const std::string& where) {
    std::vector<std::string> out;
    const toml::array* array = value.as_array();
    if (array == nullptr) {
      Error(where, "must be a list of SQL statements");
      return out;
    }
    for (const toml::node& item : *array) out.push_back(String(item, where));
    return out;
  }

  std::string Stage(const toml::node& value, const std::string& where) {
    const std::string id = String(value, where);
    if (!id.empty() && Index(id) == stages_.size()) {
      Error(where, "names `" + id + "`, which is not a stage of the plan");
      return {};
    }
    return id;
  }

  std::size_t Index(const std::string& id) const {
    return std::find(stages_.begin(), stages_.end(), id) - stages_.begin();
  }

  void Error(const std::string& key, const std::string& message) {
    errors_.push_back(path_ + ": `" + key + "` " + message);
  }

  const std::string& path_;
  const std::vector<std::string>& stages_;
  std::vector<std::string> errors_;
};

}  // namespace

std::variant<AppSpec, std::vector<std::string>> ReadAppSpec(
    const std::string& path, const std::vector<std::string>& stages) {
  return Reader(path, stages).Read();
}

}  // namespace pgshift::testing
