#include "runner/fleet_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "runner/redact.h"
#include "runner/toml_errors.h"

namespace pgshift::runner {
namespace {

// A fleet file lists databases, not data: anything this large is a mistake.
constexpr std::size_t kMaxFleetBytes = std::size_t{4} << 20;

// A tenant schema, as the search path and the ledger key take it without quoting.
bool PlainSchemaName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// The connection string with the tenant's schema as the session's whole search path (libpq's
// `options`), so the plan's unqualified names are the tenant's and no other schema's.
std::string WithSearchPath(const std::string& url, const std::string& schema) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema;
  return url + " options='-csearch_path=" + schema + "'";
}

class FleetReader : public TomlErrors {
 public:
  using TomlErrors::TomlErrors;

  std::optional<std::string> String(const toml::table& table, std::string_view key,
                                    const std::string& name) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    const auto value = node->value<std::string>();
    if (!value || value->find_first_not_of(" \t\r\n") == std::string::npos) {
      Error(*node, name, "must be a non-empty string");
      return std::nullopt;
    }
    return value;
  }

  std::optional<Millis> Duration(const toml::table& table, std::string_view key,
                                 const std::string& name) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    const auto text = node->value<std::string>();
    const auto parsed = text ? ParseDuration(*text) : std::nullopt;
    if (!parsed) {
      Error(*node, name, "must be a duration such as \"30s\", \"500ms\" or \"10min\"");
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<FleetTarget> Target(const toml::node& node, const std::string& name) {
    if (const auto url = node.value<std::string>()) {
      if (!ReadableConnectionString(*url)) {
        Error(node, name, "is not a connection string libpq can read (a URL or key=value pairs)");
        return std::nullopt;
      }
      return FleetTarget{RedactUrl(*url), *url};
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      Error(node, name, "must be a connection string or { name = \"...\", url = \"...\" }");
      return std::nullopt;
    }
    RejectUnknown(*table, name + ".", {"name", "url", "schema"});
    const auto url = String(*table, "url", name + ".url");
    if (!url) {
      if (table->get("url") == nullptr) Error(node, name + ".url", "is missing");
      return std::nullopt;
    }
    if (!ReadableConnectionString(*url)) {
      Error(*table->get("url"), name + ".url",
            "is not a connection string libpq can read (a URL or key=value pairs)");
      return std::nullopt;
    }
    const auto target_name = String(*table, "name", name + ".name");
    const auto schema = String(*table, "schema", name + ".schema");
    if (!schema) {
      if (table->get("schema") != nullptr) return std::nullopt;
      return FleetTarget{target_name.value_or(RedactUrl(*url)), *url};
    }
    if (!PlainSchemaName(*schema)) {
      Error(*table->get("schema"), name + ".schema",
            "must be a lower-case schema name of letters, digits and _ (such as tenant_01)");
      return std::nullopt;
    }
    return FleetTarget{target_name.value_or(RedactUrl(*url) + " schema " + *schema),
                       WithSearchPath(*url, *schema), *schema};
  }
};

}  // namespace

std::string LedgerPlanId(const std::string& plan_id, const FleetTarget& target) {
  return target.schema.empty() ? plan_id : plan_id + "@" + target.schema;
}

std::variant<Fleet, FleetErrors> ParseFleet(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return FleetErrors{{TomlAt(path, error.source()) + ": " + std::string(error.description())}, false};
  }
  std::vector<std::string> errors;
  FleetReader reader(path, errors);
  reader.RejectUnknown(
      root, "", {"soak", "check_every", "gate", "gate_command", "unreachable", "targets", "wave"});
  Fleet fleet;
  fleet.path = path;
  fleet.gate = reader.String(root, "gate", "gate").value_or("");
  fleet.gate_command = reader.String(root, "gate_command", "gate_command").value_or("");
  if (auto soak = reader.Duration(root, "soak", "soak")) fleet.soak = *soak;
  if (auto every = reader.Duration(root, "check_every", "check_every")) {
    if (every->count() <= 0)
      reader.Error(*root.get("check_every"), "check_every", "must be longer than 0");
    else
      fleet.check_every = *every;
  }
  if (const toml::node* node = root.get("unreachable")) {
    const auto value = node->value<std::string>();
    if (value && *value == "halt") {
      fleet.unreachable = UnreachablePolicy::kHalt;
    } else if (value && *value == "skip") {
      fleet.unreachable = UnreachablePolicy::kSkip;
    } else {
      reader.Error(*node, "unreachable", "must be \"halt\" or \"skip\"");
    }
  }
  std::set<std::string> target_names;
  // Reads a list of targets; each database appears once in the whole fleet.
  auto read_targets = [&](const toml::node* targets, const toml::node& owner,
                          const std::string& name, std::vector<FleetTarget>& out) {
    const toml::array* array = targets != nullptr ? targets->as_array() : nullptr;
    if (targets == nullptr) {
      reader.Error(owner, name, "is missing");
      return;
    }
    if (array == nullptr || array->empty()) {
      reader.Error(*targets, name, "must be a non-empty list of targets");
      return;
    }
    for (std::size_t t = 0; t < array->size(); ++t) {
      const toml::node& item = *array->get(t);
      const std::string item_name = name + "[" + std::to_string(t + 1) + "]";
      auto target = reader.Target(item, item_name);
      if (!target) continue;
      if (!target_names.insert(target->name).second) {
        reader.Error(
            item, item_name,
            "repeats the target `" + target->name + "`: each database appears once in a fleet");
        continue;
      }
      out.push_back(std::move(*target));
    }
  };
  // `targets` at the top: the pool that waves with `percent` take their share of, in order.
  std::vector<FleetTarget> pool;
  if (const toml::node* node = root.get("targets")) read_targets(node, *node, "targets", pool);
  std::size_t pool_next = 0;
  const toml::node* waves = root.get("wave");
  const toml::array* wave_array = waves != nullptr ? waves->as_array() : nullptr;
  if (waves == nullptr) {
    errors.push_back(path +
                     ":1:1: `wave` is missing: the fleet needs at least one [[wave]] "
                     "(the first is the canary)");
  } else if (wave_array == nullptr || !wave_array->is_array_of_tables()) {
    reader.Error(*waves, "wave", "must be an array of tables ([[wave]])");
  } else {
    std::set<std::string> wave_names;
    for (std::size_t i = 0; i < wave_array->size(); ++i) {
      const toml::node& node = *wave_array->get(i);
      const toml::table& table = *node.as_table();
      const std::string prefix = "wave[" + std::to_string(i + 1) + "]";
      reader.RejectUnknown(table, prefix + ".", {"name", "targets", "percent"});
      FleetWave wave;
      wave.name = reader.String(table, "name", prefix + ".name")
                      .value_or(i == 0 ? "canary" : "wave-" + std::to_string(i + 1));
      if (!wave_names.insert(wave.name).second)
        reader.Error(node, prefix + ".name", "repeats the wave name `" + wave.name + "`");
      if (const toml::node* percent = table.get("percent")) {
        const auto value = percent->value_exact<int64_t>();
        if (table.get("targets") != nullptr) {
          reader.Error(*percent, prefix + ".percent", "and `targets` exclude each other");
        } else if (!value || *value < 1 || *value > 100) {
          reader.Error(*percent, prefix + ".percent", "must be a whole number from 1 to 100");
        } else if (pool.empty()) {
          reader.Error(*percent, prefix + ".percent",
                       "needs the list of targets to take it from (`targets` at the top)");
        } else {
          // Rounded up: a wave of any percentage holds at least one target.
          const std::size_t share = (pool.size() * static_cast<std::size_t>(*value) + 99) / 100;
          for (std::size_t n = 0; n < share && pool_next < pool.size(); ++n)
            wave.targets.push_back(pool[pool_next++]);
          if (wave.targets.empty())
            reader.Error(*percent, prefix + ".percent",
                         "finds no target left: the waves before took them all");
        }
      } else {
        read_targets(table.get("targets"), node, prefix + ".targets", wave.targets);
      }
      fleet.waves.push_back(std::move(wave));
    }
    // What the percentages left over is the last wave.
    if (pool_next < pool.size()) {
      FleetWave rest{"rest", {pool.begin() + static_cast<std::ptrdiff_t>(pool_next), pool.end()}};
      if (wave_names.count(rest.name) != 0)
        reader.Error(*waves, "wave", "leaves targets for a last wave `rest`, a name already taken");
      fleet.waves.push_back(std::move(rest));
    }
  }
  if (!errors.empty()) return FleetErrors{std::move(errors), false};
  return fleet;
}

std::variant<Fleet, FleetErrors> ReadFleetFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FleetErrors{{path + ": cannot read the fleet file"}, true};
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxFleetBytes)
    return FleetErrors{{path + ": more than 4 MB: too large for a fleet file"}, true};
  return ParseFleet(text.str(), path);
}

}  // namespace pgshift::runner
