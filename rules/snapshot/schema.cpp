// The snapshot's JSON form: written in one fixed shape, read strictly (an unknown key or a value
// of the wrong kind is an error naming the file and the key's JSON path).
#include "rules/snapshot/schema.h"

#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>

#include "parser/source_text.h"

namespace pgshift::rules {
namespace {

using nlohmann::ordered_json;

ordered_json Optional(const std::optional<std::int64_t>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json ColumnJson(const SnapshotColumn& c) {
  ordered_json out = {{"name", c.name}, {"type", c.type}, {"not_null", c.not_null}};
  out["default"] = c.default_value ? ordered_json(*c.default_value) : ordered_json(nullptr);
  if (!c.identity.empty()) out["identity"] = c.identity;
  if (c.generated) out["generated"] = true;
  return out;
}

ordered_json TableJson(const SnapshotTable& t) {
  ordered_json out = {{"schema", t.schema}, {"name", t.name}};
  out["rows"] = Optional(t.rows);
  out["bytes"] = Optional(t.bytes);
  out["total_bytes"] = Optional(t.total_bytes);
  if (!t.partition_key.empty()) out["partition_key"] = t.partition_key;
  if (!t.parent_name.empty()) {
    out["partition_of"] = {
        {"schema", t.parent_schema}, {"name", t.parent_name}, {"bound", t.partition_bound}};
  }
  out["columns"] = ordered_json::array();
  for (const SnapshotColumn& c : t.columns) out["columns"].push_back(ColumnJson(c));
  out["constraints"] = ordered_json::array();
  for (const SnapshotConstraint& c : t.constraints) {
    out["constraints"].push_back(
        {{"name", c.name}, {"definition", c.definition}, {"validated", c.validated}});
  }
  out["indexes"] = ordered_json::array();
  for (const SnapshotIndex& i : t.indexes) {
    ordered_json index = {{"name", i.name}, {"definition", i.definition}};
    if (!i.constraint.empty()) index["constraint"] = i.constraint;
    if (!i.valid) index["valid"] = false;
    index["bytes"] = Optional(i.bytes);
    out["indexes"].push_back(std::move(index));
  }
  return out;
}

// One JSON object being read, and where it sits in the file, for errors.
class Reader {
 public:
  Reader(const nlohmann::json& value, std::string pointer, const std::string& path)
      : value_(value), pointer_(std::move(pointer)), path_(path) {}

  SchemaError Error(std::string_view key, std::string_view what) const {
    const std::string at = key.empty() ? pointer_ : pointer_ + "/" + std::string(key);
    return SchemaError{path_ + ": " + (at.empty() ? "/" : at) + ": " + std::string(what)};
  }

  // Fails unless this is an object holding only `known` keys and every one of `required`.
  std::optional<SchemaError> Object(std::initializer_list<std::string_view> known,
                                    std::initializer_list<std::string_view> required) const {
    if (!value_.is_object()) return Error("", "must be an object");
    for (const auto& [key, item] : value_.items()) {
      bool listed = false;
      for (std::string_view k : known) listed = listed || k == key;
      if (!listed) return Error(key, "unknown key");
    }
    for (std::string_view key : required) {
      if (!value_.contains(key)) return Error(key, "is missing");
    }
    return std::nullopt;
  }

  std::optional<SchemaError> String(std::string_view key, std::string& out,
                                    bool non_empty = false) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    if (!it->is_string()) return Error(key, "must be a string");
    out = it->get<std::string>();
    if (non_empty && out.empty()) return Error(key, "must not be empty");
    return std::nullopt;
  }

  std::optional<SchemaError> OptionalString(std::string_view key,
                                            std::optional<std::string>& out) const {
    const auto it = value_.find(key);
    if (it == value_.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return Error(key, "must be a string or null");
    out = it->get<std::string>();
    return std::nullopt;
  }

  std::optional<SchemaError> Bool(std::string_view key, bool& out) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    if (!it->is_boolean()) return Error(key, "must be true or false");
    out = it->get<bool>();
    return std::nullopt;
  }

  // A whole number of at least zero, or null for unknown.
  std::optional<SchemaError> Count(std::string_view key, std::optional<std::int64_t>& out) const {
    const auto it = value_.find(key);
    if (it == value_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      return Error(key, "must be a whole number of at least 0, or null");
    }
    out = it->get<std::int64_t>();
    return std::nullopt;
  }

  // Reads each element of the array under `key` with `read(reader, index)`.
  template <class Read>
  std::optional<SchemaError> Array(std::string_view key, const Read& read) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    if (!it->is_array()) return Error(key, "must be an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Reader element((*it)[i], pointer_ + "/" + std::string(key) + "/" + std::to_string(i),
                           path_);
      if (auto error = read(element)) return error;
    }
    return std::nullopt;
  }

  Reader Child(std::string_view key) const {
    return Reader(value_.at(key), pointer_ + "/" + std::string(key), path_);
  }
  bool Has(std::string_view key) const { return value_.contains(key); }
  const nlohmann::json& value() const { return value_; }

 private:
  const nlohmann::json& value_;
  std::string pointer_;
  const std::string& path_;
};

std::optional<SchemaError> ReadColumn(const Reader& r, SnapshotColumn& c) {
  if (auto e = r.Object({"name", "type", "not_null", "default", "identity", "generated"},
                        {"name", "type"})) {
    return e;
  }
  if (auto e = r.String("name", c.name, true)) return e;
  if (auto e = r.String("type", c.type, true)) return e;
  if (auto e = r.Bool("not_null", c.not_null)) return e;
  if (auto e = r.OptionalString("default", c.default_value)) return e;
  if (auto e = r.String("identity", c.identity)) return e;
  if (!c.identity.empty() && c.identity != "always" && c.identity != "by default") {
    return r.Error("identity", "must be \"always\" or \"by default\"");
  }
  if (auto e = r.Bool("generated", c.generated)) return e;
  if (c.generated && !c.default_value) {
    return r.Error("generated", "needs the column's expression in `default`");
  }
  return std::nullopt;
}

std::optional<SchemaError> ReadTable(const Reader& r, SnapshotTable& t) {
  if (auto e = r.Object({"schema", "name", "rows", "bytes", "total_bytes", "partition_key",
                         "partition_of", "columns", "constraints", "indexes"},
                        {"schema", "name", "columns"})) {
    return e;
  }
  if (auto e = r.String("schema", t.schema, true)) return e;
  if (auto e = r.String("name", t.name, true)) return e;
  if (auto e = r.Count("rows", t.rows)) return e;
  if (auto e = r.Count("bytes", t.bytes)) return e;
  if (auto e = r.Count("total_bytes", t.total_bytes)) return e;
  if (auto e = r.String("partition_key", t.partition_key)) return e;
  if (r.Has("partition_of")) {
    const Reader parent = r.Child("partition_of");
    if (auto e = parent.Object({"schema", "name", "bound"}, {"schema", "name", "bound"})) return e;
    if (auto e = parent.String("schema", t.parent_schema, true)) return e;
    if (auto e = parent.String("name", t.parent_name, true)) return e;
    if (auto e = parent.String("bound", t.partition_bound, true)) return e;
  }
  if (auto e = r.Array("columns", [&](const Reader& c) {
        return ReadColumn(c, t.columns.emplace_back());
      })) {
    return e;
  }
  if (auto e = r.Array("constraints", [&](const Reader& c) -> std::optional<SchemaError> {
        SnapshotConstraint& constraint = t.constraints.emplace_back();
        if (auto e = c.Object({"name", "definition", "validated"}, {"name", "definition"})) {
          return e;
        }
        if (auto e = c.String("name", constraint.name, true)) return e;
        if (auto e = c.String("definition", constraint.definition, true)) return e;
        return c.Bool("validated", constraint.validated);
      })) {
    return e;
  }
  return r.Array("indexes", [&](const Reader& i) -> std::optional<SchemaError> {
    SnapshotIndex& index = t.indexes.emplace_back();
    if (auto e = i.Object({"name", "definition", "constraint", "valid", "bytes"},
                          {"name", "definition"})) {
      return e;
    }
    if (auto e = i.String("name", index.name, true)) return e;
    if (auto e = i.String("definition", index.definition, true)) return e;
    if (auto e = i.String("constraint", index.constraint)) return e;
    if (auto e = i.Bool("valid", index.valid)) return e;
    return i.Count("bytes", index.bytes);
  });
}

std::optional<SchemaError> ReadEnum(const Reader& r, SnapshotEnum& type) {
  if (auto e = r.Object({"schema", "name", "labels"}, {"schema", "name", "labels"})) return e;
  if (auto e = r.String("schema", type.schema, true)) return e;
  if (auto e = r.String("name", type.name, true)) return e;
  return r.Array("labels", [&](const Reader& label) -> std::optional<SchemaError> {
    if (!label.value().is_string()) return label.Error("", "must be a string");
    type.labels.push_back(label.value().get<std::string>());
    return std::nullopt;
  });
}

// Line and column (1-based) of a byte offset, for JSON syntax errors.
std::string PositionOf(std::string_view text, std::size_t offset) {
  const parser::LineColumn at = parser::PositionIn(text, offset);
  return std::to_string(at.line) + ":" + std::to_string(at.column);
}

}  // namespace

const SnapshotTable* Schema::FindTable(const parser::QualifiedName& name) const {
  const SnapshotTable* found = nullptr;
  for (const SnapshotTable& table : tables) {
    if (!table.QualifiedName().Matches(name)) continue;
    if (found == nullptr || table.schema == "public") found = &table;
  }
  return found;
}

std::string SchemaJson(const Schema& schema) {
  ordered_json out = {{"format", kSchemaFormat},
                      {"source", schema.source},
                      {"server_version", schema.server_version},
                      {"taken_at", schema.taken_at}};
  out["tables"] = ordered_json::array();
  for (const SnapshotTable& t : schema.tables) out["tables"].push_back(TableJson(t));
  out["enums"] = ordered_json::array();
  for (const SnapshotEnum& e : schema.enums) {
    out["enums"].push_back({{"schema", e.schema}, {"name", e.name}, {"labels", e.labels}});
  }
  return out.dump(2) + "\n";
}

std::variant<Schema, SchemaError> ParseSchema(std::string_view text, const std::string& path) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // The library's message repeats its own position; say it as line:column instead.
    std::string what = error.what();
    if (const std::size_t colon = what.find(": syntax error"); colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    const std::size_t at = error.byte == 0 ? 0 : error.byte - 1;
    return SchemaError{path + ":" + PositionOf(text, at) + ": not JSON: " + what};
  }
  const Reader r(root, "", path);
  if (auto e = r.Object({"format", "source", "server_version", "taken_at", "tables", "enums"},
                        {"format", "tables"})) {
    return *e;
  }
  const nlohmann::json& format = root.at("format");
  if (!format.is_number_integer() || format.get<std::int64_t>() != kSchemaFormat) {
    return r.Error("format", "must be " + std::to_string(kSchemaFormat) +
                                 " (this pgshift reads snapshots of format " +
                                 std::to_string(kSchemaFormat) + "; take it again)");
  }
  Schema schema;
  if (auto e = r.String("source", schema.source)) return *e;
  if (auto e = r.String("server_version", schema.server_version)) return *e;
  if (auto e = r.String("taken_at", schema.taken_at)) return *e;
  if (auto e = r.Array("tables",
                       [&](const Reader& t) { return ReadTable(t, schema.tables.emplace_back()); })) {
    return *e;
  }
  if (auto e = r.Array("enums",
                       [&](const Reader& t) { return ReadEnum(t, schema.enums.emplace_back()); })) {
    return *e;
  }
  return schema;
}

std::variant<std::shared_ptr<const SchemaSnapshot>, SchemaError> LoadSchemaSnapshot(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return SchemaError{path + ": cannot read the schema snapshot"};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto parsed = ParseSchema(bytes.str(), path);
  if (auto* error = std::get_if<SchemaError>(&parsed)) return *error;
  auto snapshot = std::make_shared<SchemaSnapshot>();
  snapshot->path = path;
  snapshot->schema = std::move(std::get<Schema>(parsed));
  auto catalog = CatalogOf(snapshot->schema, path);
  if (auto* error = std::get_if<SchemaError>(&catalog)) return *error;
  snapshot->catalog = std::move(std::get<Catalog>(catalog));
  return std::shared_ptr<const SchemaSnapshot>(std::move(snapshot));
}

}  // namespace pgshift::rules
