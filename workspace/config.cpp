#include "workspace/config.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "project/recognition.h"
#include "rules/closest_name.h"
#include "rules/rule.h"
#include "runner/throttle.h"

namespace pgshift::workspace {
namespace {

constexpr std::size_t kMinMaxMemory = std::size_t{64} << 20;

std::string At(const std::string& path, const toml::source_region& where) {
  return path + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

// Every problem found in one file, in the order found: a user fixes them all in one go.
using Errors = std::vector<std::string>;

// Walks one table, rejecting keys it does not know.
class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& path, std::string prefix, Errors& errors)
      : table_(table), path_(path), prefix_(std::move(prefix)), errors_(errors) {}

  void RejectUnknown(std::initializer_list<std::string_view> known) const {
    std::vector<std::string> names;  // full keys, as the message names them
    for (const std::string_view name : known) names.push_back(prefix_ + std::string(name));
    for (const auto& [key, node] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        const std::string full = prefix_ + std::string(key.str());
        errors_.push_back(At(path_, key.source()) + ": unknown key `" + full + "`" +
                          rules::DidYouMean(full, names));
      }
    }
  }

  void Bad(std::string_view key, const std::string& what) const {
    const toml::node* node = table_.get(key);
    errors_.push_back(At(path_, node->source()) + ": `" + prefix_ + std::string(key) + "` " + what);
  }
  void BadAt(const toml::source_region& where, const std::string& what) const {
    errors_.push_back(At(path_, where) + ": " + what);
  }

  // A list of strings (paths, globs) under `key`, if present.
  void Strings(std::string_view key, std::vector<std::string>& out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) return Bad(key, "must be a list of strings");
    out.clear();
    for (const toml::node& item : *array) {
      const auto value = item.value<std::string>();
      if (!value || value->empty()) {
        BadAt(item.source(), "`" + prefix_ + std::string(key) + "` must hold non-empty strings");
        continue;
      }
      out.push_back(*value);
    }
  }

  void RuleList(std::string_view key, std::set<std::string>& out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) return Bad(key, "must be a list of rule ids");
    for (const toml::node& item : *array) {
      const auto value = item.value<std::string>();
      if (!value) {
        BadAt(item.source(), "`" + prefix_ + std::string(key) + "` must hold strings");
      } else if (rules::FindRule(*value) == nullptr) {
        BadAt(item.source(), "`" + prefix_ + std::string(key) + "` names `" + *value +
                                 "`, which is no rule" + rules::DidYouMean(*value, rules::RuleIds()) +
                                 " (see `pgshift rules`)");
      } else {
        out.insert(*value);
      }
    }
  }

 private:
  const toml::table& table_;
  const std::string& path_;
  std::string prefix_;
  Errors& errors_;
};

void ReadRules(const toml::table& table, const std::string& path, rules::LintSettings& lint,
               Errors& errors) {
  TableReader reader(table, path, "rules.", errors);
  reader.RejectUnknown({"disable", "enable", "severity"});
  reader.RuleList("disable", lint.disabled);
  reader.RuleList("enable", lint.enabled);
  if (const toml::node* node = table.get("severity")) {
    const toml::table* severities = node->as_table();
    if (severities == nullptr) {
      return reader.Bad("severity", "must be a table of rule = \"error|warning|info\"");
    }
    for (const auto& [key, value] : *severities) {
      const std::string id(key.str());
      if (rules::FindRule(id) == nullptr) {
        reader.BadAt(key.source(), "`rules.severity." + id + "` names no rule" +
                                       rules::DidYouMean(id, rules::RuleIds()) +
                                       " (see `pgshift rules`)");
        continue;
      }
      const auto text = value.value<std::string>();
      const auto severity = text ? rules::ParseSeverity(*text) : std::nullopt;
      if (!severity) {
        reader.BadAt(value.source(),
                     "`rules.severity." + id + "` must be \"error\", \"warning\" or \"info\"");
        continue;
      }
      lint.severity[id] = *severity;
    }
  }
}

// A [section] that must be a table, read by `read` when present.
template <class Read>
void ReadSection(const toml::table& root, const TableReader& reader, std::string_view key,
                 const Read& read) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return;
  if (!node->is_table()) return reader.Bad(key, "must be a table");
  read(*node->as_table());
}

void ReadHistory(const toml::table& table, const std::string& path, HistoryConfig& history,
                 Errors& errors) {
  TableReader reader(table, path, "history.", errors);
  reader.RejectUnknown({"replay", "order", "roots", "exclude", "tool", "upgrades", "upgrade_tags"});
  if (const toml::node* node = table.get("tool")) {
    const auto value = node->value<std::string>();
    if (!value || (*value != "none" && project::FindTool(*value) == nullptr)) {
      reader.Bad("tool", "must name a migration tool: " + project::ToolNames());
    } else {
      history.tool = *value;
    }
  }
  if (const toml::node* node = table.get("replay")) {
    if (!node->is_boolean()) {
      reader.Bad("replay", "must be true or false");
    } else {
      history.replay = node->as_boolean()->get();
    }
  }
  if (const toml::node* node = table.get("order")) {
    const auto value = node->value<std::string>();
    if (value == "auto") {
      history.order = rules::MigrationOrderStyle::kAuto;
    } else if (value == "name") {
      history.order = rules::MigrationOrderStyle::kName;
    } else {
      reader.Bad("order", "must be \"auto\" or \"name\"");
    }
  }
  if (const toml::node* node = table.get("upgrades")) {
    const auto value = node->value<std::string>();
    if (value != "tags" && value != "off") {
      reader.Bad("upgrades", "must be \"tags\" or \"off\"");
    } else {
      history.upgrades = value == "tags";
    }
  }
  if (const toml::node* node = table.get("upgrade_tags")) {
    const auto value = node->value<std::string>();
    if (!value) {
      reader.Bad("upgrade_tags", "must be a regular expression, as a string");
    } else {
      try {
        std::regex check(*value);
        history.upgrade_tags = *value;
      } catch (const std::regex_error& error) {
        reader.Bad("upgrade_tags",
                   "is no regular expression (" + std::string(error.what()) + ")");
      }
    }
  }
  reader.Strings("roots", history.roots);
  reader.Strings("exclude", history.exclude);
}

void ReadLint(const toml::table& table, const std::string& path, rules::LintSettings& lint,
              Errors& errors) {
  TableReader reader(table, path, "lint.", errors);
  reader.RejectUnknown({"small_table_rows"});
  if (const toml::node* node = table.get("small_table_rows")) {
    const auto rows = node->value_exact<int64_t>();
    if (!rows || *rows < 0) {
      return reader.Bad("small_table_rows", "must be a whole number of rows, 0 or more");
    }
    lint.small_table_rows = *rows;
  }
}

void ReadRelease(const toml::table& table, const std::string& path, ReleaseConfig& release,
                 Errors& errors) {
  TableReader reader(table, path, "release.", errors);
  reader.RejectUnknown({"migrations", "code", "exclude"});
  reader.Strings("migrations", release.migrations);
  reader.Strings("code", release.code);
  reader.Strings("exclude", release.exclude);
}

void ReadPhases(const toml::table& table, const std::string& path, PhaseGlobs& phases,
                Errors& errors) {
  TableReader reader(table, path, "phases.", errors);
  reader.RejectUnknown({"expand", "backfill", "switch", "contract"});
  for (const auto& [key, node] : table) {
    if (const auto phase = rules::ParsePhase(key.str())) reader.Strings(key.str(), phases[*phase]);
  }
}

void ReadRunner(const toml::table& table, const std::string& path, Config& config,
                Errors& errors) {
  TableReader reader(table, path, "runner.", errors);
  reader.RejectUnknown({"lock_timeout", "statement_timeout", "idle_in_transaction_timeout",
                        "retries", "retry_delay", "batch_size", "batch_time", "throttle",
                        "journal", "max_replica_lag", "replicas", "throttle_query", "max_load",
                        "critical_load"});
  runner::RunSettings& settings = config.runner;
  const std::pair<std::string_view, runner::Millis*> durations[] = {
      {"lock_timeout", &settings.lock_timeout},
      {"statement_timeout", &settings.statement_timeout},
      {"idle_in_transaction_timeout", &settings.idle_in_transaction_timeout},
      {"retry_delay", &settings.retry_delay},
      {"batch_time", &settings.batch_time},
      {"throttle", &settings.throttle}};
  for (const auto& [key, target] : durations) {
    const toml::node* node = table.get(key);
    if (node == nullptr) continue;
    const auto text = node->value<std::string>();
    const auto duration = text ? runner::ParseDuration(*text) : std::nullopt;
    if (!duration) {
      reader.Bad(key, "must be a duration such as \"500ms\", \"1s\" or \"2min\", up to 24 days");
      continue;
    }
    *target = *duration;
  }
  if (const toml::node* node = table.get("retries")) {
    const auto value = node->value_exact<int64_t>();
    if (!value || *value < 0 || *value > 100) {
      reader.Bad("retries", "must be a whole number from 0 to 100");
    } else {
      settings.retries = static_cast<int>(*value);
    }
  }
  if (const toml::node* node = table.get("batch_size")) {
    const auto value = node->value_exact<int64_t>();
    if (!value || *value < 1 || *value > 10000000) {
      reader.Bad("batch_size", "must be a whole number from 1 to 10000000");
    } else {
      settings.batch_size = static_cast<long>(*value);
    }
  }
  if (const toml::node* node = table.get("max_replica_lag")) {
    std::optional<runner::Millis> lag;
    if (const auto seconds = node->value<double>(); seconds && node->is_number())
      lag = runner::ParseReplicaLag(std::to_string(*seconds));
    else if (const auto text = node->value<std::string>())
      lag = runner::ParseReplicaLag(*text);
    if (!lag) {
      return reader.Bad("max_replica_lag",
                        "must be a number of seconds above 0 or a duration such as \"500ms\"");
    }
    settings.max_replica_lag = *lag;
  }
  if (table.get("replicas") != nullptr) reader.Strings("replicas", settings.replicas);
  if (const toml::node* node = table.get("throttle_query")) {
    const auto value = node->value<std::string>();
    if (!value || value->empty()) return reader.Bad("throttle_query", "must be a query (a string)");
    settings.throttle_query = *value;
  }
  const std::pair<std::string_view, int*> loads[] = {{"max_load", &settings.max_load},
                                                     {"critical_load", &settings.critical_load}};
  for (const auto& [key, target] : loads) {
    const toml::node* node = table.get(key);
    if (node == nullptr) continue;
    const auto value = node->value_exact<int64_t>();
    if (!value || *value < 1 || *value > 1000000)
      return reader.Bad(key, "must be a whole number of sessions from 1 to 1000000");
    *target = static_cast<int>(*value);
  }
  if (!settings.replicas.empty() && settings.max_replica_lag.count() <= 0)
    return reader.Bad("replicas", "needs max_replica_lag");
  if (const toml::node* node = table.get("journal")) {
    const auto value = node->value<std::string>();
    if (!value || value->empty()) {
      reader.Bad("journal", "must be a file path");
    } else {
      config.journal = *value;
    }
  }
}

}  // namespace

std::optional<std::size_t> ParseSize(std::string_view text) {
  std::size_t i = 0;
  double value = 0, scale = 0;
  bool digits = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
      if (scale > 0) {
        value += (c - '0') * scale;
        scale /= 10;
      } else {
        value = value * 10 + (c - '0');
      }
    } else if (c == '.' && scale == 0) {
      scale = 0.1;
    } else {
      break;
    }
  }
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1},         {"B", 1},          {"kB", 1e3},       {"KB", 1e3},
      {"KiB", 1024.0}, {"MB", 1e6},       {"MiB", 1048576.0}, {"GB", 1e9},
      {"GiB", 1073741824.0}, {"TB", 1e12}, {"TiB", 1099511627776.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    const double bytes = value * factor;
    if (!digits || bytes >= 1e18) return std::nullopt;
    return static_cast<std::size_t>(bytes);
  }
  return std::nullopt;
}

ConfigResult ParseConfig(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return ConfigError{At(path, error.source()) + ": " + std::string(error.description())};
  }
  Config config;
  config.path = path;
  Errors errors;
  TableReader reader(root, path, "", errors);
  reader.RejectUnknown({"pg_version", "transactions", "max_memory", "rules", "lint", "runner",
                        "history", "release", "phases", "baseline"});

  if (const toml::node* node = root.get("pg_version")) {
    const auto version = node->value_exact<int64_t>();
    if (!version || *version < 10 || *version > 18) {
      reader.Bad("pg_version", "must be a server major version from 10 to 18");
    } else {
      config.lint.pg_version = static_cast<int>(*version);
    }
  }
  if (const toml::node* node = root.get("max_memory")) {
    const auto text = node->value<std::string>();
    const auto size = text ? ParseSize(*text) : std::nullopt;
    if (!size || *size < kMinMaxMemory) {
      reader.Bad("max_memory", "must be a size of at least 64MiB, such as \"2GiB\"");
    } else {
      config.lint.max_memory = *size;
    }
  }
  if (const toml::node* node = root.get("baseline")) {
    const auto value = node->value<std::string>();
    if (!value || value->empty()) {
      reader.Bad("baseline", "must be a file path");
    } else {
      // Relative to the pgshift.toml, so that the hook finds it from any working directory.
      config.baseline =
          (std::filesystem::path(path).parent_path() / *value).lexically_normal().string();
    }
  }
  if (const toml::node* node = root.get("transactions")) {
    const auto value = node->value<std::string>();
    config.lint.transactions_set = true;
    if (value == "none") {
      config.lint.transactions = rules::TransactionWrapping::kNone;
    } else if (value == "per-file") {
      config.lint.transactions = rules::TransactionWrapping::kPerFile;
    } else if (value == "per-statement") {
      config.lint.transactions = rules::TransactionWrapping::kPerStatement;
    } else {
      reader.Bad("transactions", "must be \"none\", \"per-file\" or \"per-statement\"");
    }
  }
  ReadSection(root, reader, "rules",
              [&](const toml::table& t) { ReadRules(t, path, config.lint, errors); });
  ReadSection(root, reader, "lint",
              [&](const toml::table& t) { ReadLint(t, path, config.lint, errors); });
  ReadSection(root, reader, "history",
              [&](const toml::table& t) { ReadHistory(t, path, config.history, errors); });
  ReadSection(root, reader, "release",
              [&](const toml::table& t) { ReadRelease(t, path, config.release, errors); });
  ReadSection(root, reader, "phases",
              [&](const toml::table& t) { ReadPhases(t, path, config.phases, errors); });
  ReadSection(root, reader, "runner",
              [&](const toml::table& t) { ReadRunner(t, path, config, errors); });
  if (!errors.empty()) {
    std::string message;
    for (const std::string& error : errors) message += (message.empty() ? "" : "\n") + error;
    return ConfigError{std::move(message)};
  }
  return config;
}

ConfigResult LoadConfigFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ConfigError{path.string() + ": cannot read the configuration file"};
  constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
  std::string text;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes)
      return ConfigError{path.string() + ": more than 1 MB: too large for a configuration file"};
  }
  return ParseConfig(text, path.string());
}

std::optional<std::filesystem::path> FindConfigFile(const std::filesystem::path& directory) {
  std::error_code ignored;
  std::filesystem::path dir = std::filesystem::absolute(directory, ignored);
  while (true) {
    const std::filesystem::path candidate = dir / kConfigFileName;
    if (std::filesystem::is_regular_file(candidate, ignored)) return candidate;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

const ConfigResult& ConfigResolver::For(const std::filesystem::path& directory) {
  if (explicit_) {
    if (!explicit_result_) explicit_result_ = LoadConfigFile(*explicit_);
    return *explicit_result_;
  }
  auto known = directory_to_file_.find(directory);
  if (known == directory_to_file_.end()) {
    const auto found = FindConfigFile(directory);
    known = directory_to_file_.emplace(directory, found.value_or(std::filesystem::path())).first;
  }
  if (known->second.empty()) return defaults_;
  auto loaded = by_file_.find(known->second);
  if (loaded == by_file_.end()) loaded = by_file_.emplace(known->second, LoadConfigFile(known->second)).first;
  return loaded->second;
}

void ConfigError::Print(std::ostream& out, std::string_view prefix) const {
  std::istringstream lines(message);
  for (std::string line; std::getline(lines, line);) out << prefix << line << '\n';
}

}  // namespace pgshift::workspace
