#include "runner/plan.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "runner/redact.h"
#include "runner/throttle.h"
#include "runner/toml_errors.h"

namespace pgshift::runner {
namespace {

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return id.front() != '-' && id.front() != '_';
}

// Collects errors while reading one table of the plan.
class Reader : public TomlErrors {
 public:
  using TomlErrors::TomlErrors;

  std::optional<std::string> String(const toml::table& table, std::string_view key,
                                    const std::string& name, bool required,
                                    const toml::node& owner) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) Error(owner, name, "is missing");
      return std::nullopt;
    }
    const auto value = node->value<std::string>();
    if (!value) {
      Error(*node, name, "must be a string");
      return std::nullopt;
    }
    return value;
  }

  // A string or a list of strings, each with its line. `allow_empty_list` for rollback = [].
  std::optional<std::vector<PlanSql>> SqlList(const toml::node& node, const std::string& name,
                                              bool allow_empty_list) {
    std::vector<PlanSql> out;
    if (const auto text = node.value<std::string>()) {
      if (Blank(*text)) {
        Error(node, name, "is empty");
        return std::nullopt;
      }
      out.push_back({*text, static_cast<int>(node.source().begin.line)});
      return out;
    }
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      Error(node, name, "must be SQL text or a list of SQL statements");
      return std::nullopt;
    }
    for (const toml::node& item : *array) {
      const auto text = item.value<std::string>();
      if (!text || Blank(*text)) {
        Error(item, name, "must hold non-empty SQL strings");
        return std::nullopt;
      }
      out.push_back({*text, static_cast<int>(item.source().begin.line)});
    }
    if (out.empty() && !allow_empty_list) {
      Error(node, name, "is an empty list");
      return std::nullopt;
    }
    return out;
  }

  static bool Blank(const std::string& text) {
    return text.find_first_not_of(" \t\r\n;") == std::string::npos;
  }
};

void ReadBackfill(Reader& reader, const toml::node& node, const std::string& prefix, Stage& stage) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    reader.Error(node, prefix, "must be a table: { table = \"...\", set = \"...\" }");
    return;
  }
  reader.RejectUnknown(
      *table, prefix + ".",
      {"table", "set", "delete", "insert_into", "select", "where", "key", "batch_size"});
  BackfillSpec spec;
  spec.line = static_cast<int>(node.source().begin.line);
  spec.table = reader.String(*table, "table", prefix + ".table", true, node).value_or("");
  // A batched DELETE walks the table as an update does: `delete = true` in place of `set`.
  const toml::node* remove = table->get("delete");
  if (remove != nullptr) {
    if (remove->value_exact<bool>() != std::optional<bool>(true)) {
      reader.Error(*remove, prefix + ".delete",
                   "must be true (the rows matching `where` are deleted in batches), or left out");
    } else if (table->get("set") != nullptr) {
      reader.Error(*remove, prefix + ".delete",
                   "and `set` exclude each other: a backfill either updates or deletes");
    }
    spec.delete_rows = true;
  }
  // A batched copy walks the table as an update does: `insert_into` and `select` in place of
  // `set`.
  const toml::node* insert_into = table->get("insert_into");
  const toml::node* select = table->get("select");
  const bool copy = insert_into != nullptr || select != nullptr;
  if (copy) {
    if (remove != nullptr || table->get("set") != nullptr) {
      reader.Error(insert_into != nullptr ? *insert_into : *select, prefix + ".insert_into",
                   "and `set` or `delete` exclude each other: a backfill updates, deletes or "
                   "copies");
    }
    spec.insert_into =
        reader.String(*table, "insert_into", prefix + ".insert_into", true, node).value_or("");
    spec.select = reader.String(*table, "select", prefix + ".select", true, node).value_or("");
  }
  spec.set =
      reader.String(*table, "set", prefix + ".set", remove == nullptr && !copy, node).value_or("");
  spec.where = reader.String(*table, "where", prefix + ".where", false, node).value_or("");
  if (const toml::node* key = table->get("key")) {
    const toml::array* columns = key->as_array();
    bool ok = columns != nullptr && !columns->empty();
    if (ok) {
      for (const toml::node& column : *columns) {
        const auto name = column.value<std::string>();
        if (!name || name->empty())
          ok = false;
        else
          spec.key.push_back(*name);
      }
    }
    if (!ok) reader.Error(*key, prefix + ".key", "must be a non-empty list of column names");
  }
  if (const toml::node* size = table->get("batch_size")) {
    const auto value = size->value_exact<int64_t>();
    if (!value || *value < 1 || *value > 10000000) {
      reader.Error(*size, prefix + ".batch_size", "must be a whole number from 1 to 10000000");
    } else {
      spec.batch_size = static_cast<long>(*value);
    }
  }
  stage.backfill = std::move(spec);
}

void ReadStage(Reader& reader, const toml::node& node, std::size_t index, Stage& stage) {
  const std::string prefix = "stage[" + std::to_string(index + 1) + "]";
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    reader.Error(node, prefix, "must be a table ([[stage]])");
    return;
  }
  stage.line = static_cast<int>(node.source().begin.line);
  reader.RejectUnknown(*table, prefix + ".",
                       {"id", "phase", "sql", "backfill", "gate", "rollback"});
  if (auto id = reader.String(*table, "id", prefix + ".id", true, node)) {
    if (!ValidId(*id)) {
      reader.Error(*table->get("id"), prefix + ".id",
                   "must be lower-case letters, digits, - and _ (up to 63), starting with a letter "
                   "or digit");
    }
    stage.id = *id;
  }
  if (auto phase = reader.String(*table, "phase", prefix + ".phase", true, node)) {
    if (auto parsed = rules::ParsePhase(*phase))
      stage.phase = *parsed;
    else
      reader.Error(*table->get("phase"), prefix + ".phase",
                   "must be expand, backfill, switch or contract");
  }
  const toml::node* sql = table->get("sql");
  const toml::node* backfill = table->get("backfill");
  if (sql != nullptr && backfill != nullptr) {
    reader.Error(*backfill, prefix + ".backfill", "cannot be combined with `sql` in one stage");
  } else if (sql == nullptr && backfill == nullptr) {
    reader.Error(node, prefix, "needs `sql` (or, in a backfill stage, `backfill`)");
  }
  if (sql != nullptr) {
    if (auto list = reader.SqlList(*sql, prefix + ".sql", false)) stage.sql = std::move(*list);
  }
  if (backfill != nullptr) {
    if (stage.phase != rules::Phase::kBackfill) {
      reader.Error(*backfill, prefix + ".backfill", "belongs in a stage with phase = \"backfill\"");
    }
    ReadBackfill(reader, *backfill, prefix + ".backfill", stage);
  }
  if (const toml::node* gate = table->get("gate")) {
    const auto text = gate->value<std::string>();
    if (!text || Reader::Blank(*text))
      reader.Error(*gate, prefix + ".gate", "must be a query returning true or false");
    else
      stage.gate = PlanSql{*text, static_cast<int>(gate->source().begin.line)};
  }
  const toml::node* rollback = table->get("rollback");
  if (rollback == nullptr) {
    reader.Error(
        node, prefix + ".rollback",
        "is missing: give the SQL that undoes this stage, [] when there is nothing to undo, "
        "or \"irreversible\"");
  } else if (rollback->value<std::string>() == "irreversible") {
    stage.irreversible = true;
  } else if (auto list = reader.SqlList(*rollback, prefix + ".rollback", true)) {
    stage.rollback = std::move(*list);
  }
}

// `replicas` and `max_replica_lag`, written as in pgshift.toml's [runner]. Errors never quote a
// connection string: it may carry a password.
void ReadStandbys(Reader& reader, const toml::table& root, const std::string& path,
                  PlanStandbys& standbys) {
  if (const toml::node* node = root.get("max_replica_lag")) {
    std::optional<Millis> lag;
    if (const auto seconds = node->value<double>(); seconds && node->is_number())
      lag = ParseReplicaLag(std::to_string(*seconds));
    else if (const auto text = node->value<std::string>())
      lag = ParseReplicaLag(*text);
    if (lag)
      standbys.max_replica_lag = lag;
    else
      reader.Error(*node, "max_replica_lag",
                   "must be a number of seconds above 0 or a duration such as \"500ms\"");
  }
  const toml::node* node = root.get("replicas");
  if (node == nullptr) return;
  standbys.replicas_at = TomlAt(path, node->source());
  const toml::array* array = node->as_array();
  if (array == nullptr || array->empty()) {
    reader.Error(*node, "replicas", "must be a non-empty list of standby connection strings");
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    const std::string name = "replicas[" + std::to_string(i + 1) + "]";
    const auto url = item.value<std::string>();
    if (!url || url->find_first_not_of(" \t\r\n") == std::string::npos) {
      reader.Error(item, name, "must be a standby's connection string (a non-empty string)");
    } else if (!ReadableConnectionString(*url)) {
      reader.Error(item, name,
                   "is not a connection string libpq can read (a postgresql:// URL or "
                   "key=value pairs)");
    } else {
      standbys.replicas.push_back(*url);
    }
  }
}

// FNV-1a over what the runner executes, so that comments and formatting of the TOML do not count
// (nor the standbys that throttle it).
std::string Checksum(const Plan& plan) {
  std::uint64_t hash = 1469598103934665603ull;
  auto mix = [&hash](std::string_view text) {
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0xff) * 1099511628211ull;  // field separator
  };
  mix(plan.id);
  for (const Stage& stage : plan.stages) {
    mix(stage.id);
    mix(rules::PhaseName(stage.phase));
    for (const PlanSql& sql : stage.sql) mix(sql.text);
    mix(stage.gate ? stage.gate->text : "");
    mix(stage.irreversible ? "irreversible" : "");
    for (const PlanSql& sql : stage.rollback) mix(sql.text);
    if (stage.backfill) {
      mix(stage.backfill->table);
      mix(stage.backfill->set);
      // Only a delete adds a field: the checksums of plans written before it stay as they were.
      if (stage.backfill->delete_rows) mix("delete");
      if (!stage.backfill->insert_into.empty()) {
        mix(stage.backfill->insert_into);
        mix(stage.backfill->select);
      }
      mix(stage.backfill->where);
      for (const std::string& key : stage.backfill->key) mix(key);
    }
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

}  // namespace

std::variant<Plan, PlanErrors> ParsePlan(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return PlanErrors{{TomlAt(path, error.source()) + ": " + std::string(error.description())}};
  }
  std::vector<std::string> errors;
  Reader reader(path, errors);
  Plan plan;
  plan.path = path;
  reader.RejectUnknown(root, "", {"id", "summary", "stage", "replicas", "max_replica_lag"});
  if (auto id = reader.String(root, "id", "id", true, root)) {
    if (!ValidId(*id))
      reader.Error(*root.get("id"), "id", "must be lower-case letters, digits, - and _ (up to 63)");
    plan.id = *id;
  }
  plan.summary = reader.String(root, "summary", "summary", false, root).value_or("");
  ReadStandbys(reader, root, path, plan.standbys);
  const toml::node* stages = root.get("stage");
  const toml::array* list = stages == nullptr ? nullptr : stages->as_array();
  if (list == nullptr || list->empty()) {
    errors.push_back(path + ":1:1: the plan has no stages (add [[stage]] tables)");
  } else {
    std::set<std::string> seen;
    std::optional<rules::Phase> previous;
    for (std::size_t i = 0; i < list->size(); ++i) {
      Stage stage;
      ReadStage(reader, *list->get(i), i, stage);
      const std::string prefix = "stage[" + std::to_string(i + 1) + "]";
      if (!stage.id.empty() && !seen.insert(stage.id).second) {
        reader.Error(*list->get(i), prefix + ".id", "repeats the stage id `" + stage.id + "`");
      }
      const toml::table* table = list->get(i)->as_table();
      const toml::node* phase_node = table == nullptr ? nullptr : table->get("phase");
      const auto phase = phase_node == nullptr
                             ? std::nullopt
                             : rules::ParsePhase(phase_node->value_or(std::string()));
      if (phase && previous && *phase < *previous) {
        reader.Error(*phase_node, prefix + ".phase",
                     "is " + std::string(rules::PhaseName(*phase)) + " after a " +
                         std::string(rules::PhaseName(*previous)) +
                         " stage: phases run expand, backfill, switch, contract, never backwards");
      }
      if (phase) previous = phase;
      plan.stages.push_back(std::move(stage));
    }
  }
  if (!errors.empty()) return PlanErrors{std::move(errors)};
  plan.checksum = Checksum(plan);
  return plan;
}

std::variant<Plan, PlanErrors> ReadPlanFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return PlanErrors{{path + ": cannot read the plan file"}, true};
  std::string text;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxPlanBytes) {
      return PlanErrors{{path + ": more than " + std::to_string(kMaxPlanBytes >> 20) +
                         " MB: too large for a plan file"},
                        true};
    }
  }
  return ParsePlan(text, path);
}

const Stage* FindStage(const Plan& plan, std::string_view id) {
  for (const Stage& stage : plan.stages) {
    if (stage.id == id) return &stage;
  }
  return nullptr;
}

std::string_view ChangedRowsVerb(const BackfillSpec& spec) {
  if (!spec.insert_into.empty()) return "inserted";
  return spec.delete_rows ? "deleted" : "updated";
}

}  // namespace pgshift::runner
