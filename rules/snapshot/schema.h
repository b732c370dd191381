// A schema snapshot: the tables, columns with their types, constraints, indexes and enum types of
// a real database, with row and byte estimates, as `pgshift snapshot` writes it to JSON and
// `pgshift lint --schema` reads it. Pure data and its JSON form; nothing here talks to a server.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parser/ast.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {

inline constexpr int kSchemaFormat = 1;

struct SnapshotColumn {
  std::string name;
  std::string type;  // as the server writes it (format_type): "character varying(20)"
  bool not_null = false;
  std::optional<std::string> default_value;  // the expression; for a generated column, its formula
  std::string identity;                      // "", "always" or "by default"
  bool generated = false;                    // GENERATED ALWAYS AS (default_value) STORED
};

struct SnapshotConstraint {
  std::string name;
  std::string definition;  // as the server writes it: "FOREIGN KEY (a) REFERENCES b(id)"
  bool validated = true;
};

struct SnapshotIndex {
  std::string name;
  std::string definition;  // CREATE [UNIQUE] INDEX ... (pg_get_indexdef)
  std::string constraint;  // the constraint it backs (primary key, unique); empty for none
  bool valid = true;
  std::optional<std::int64_t> bytes;
};

struct SnapshotTable {
  std::string schema, name;
  std::string partition_key;  // "RANGE (created_at)" for a partitioned table; empty otherwise
  // For a partition: its parent and bound ("FOR VALUES FROM (...) TO (...)").
  std::string parent_schema, parent_name, partition_bound;
  // Estimates as of the server's last ANALYZE or VACUUM; unknown when it never ran. For a
  // partitioned table, the sums over its partitions.
  std::optional<std::int64_t> rows;
  std::optional<std::int64_t> bytes;        // the table's own storage (pg_relation_size)
  std::optional<std::int64_t> total_bytes;  // with indexes and TOAST (pg_total_relation_size)
  std::vector<SnapshotColumn> columns;
  std::vector<SnapshotConstraint> constraints;
  std::vector<SnapshotIndex> indexes;

  parser::QualifiedName QualifiedName() const { return {schema, name}; }
};

struct SnapshotEnum {
  std::string schema, name;
  std::vector<std::string> labels;  // in sort order
};

struct Schema {
  std::string source;          // the database it was taken from, password hidden
  std::string server_version;  // "15.4"
  std::string taken_at;        // ISO 8601, UTC
  std::vector<SnapshotTable> tables;
  std::vector<SnapshotEnum> enums;

  // The table `name` names: an unqualified name matches any schema, public first.
  const SnapshotTable* FindTable(const parser::QualifiedName& name) const;
};

// A snapshot file that cannot be used: "schema.json: /tables/2/columns/0/type: must be a string".
struct SchemaError {
  std::string message;
};

// The snapshot as JSON (stable key order, two-space indentation, a final newline).
std::string SchemaJson(const Schema& schema);
// Reads a snapshot; `path` names the file in errors.
std::variant<Schema, SchemaError> ParseSchema(std::string_view text, const std::string& path);

// A snapshot ready for linting: the data, and the catalog it describes, built once.
struct SchemaSnapshot {
  std::string path;
  Schema schema;
  Catalog catalog;  // every object released (not new)
};

// The catalog a snapshot describes: its definitions replayed as SQL, as migrations are. A
// definition that does not read as SQL is an error naming its JSON path.
std::variant<Catalog, SchemaError> CatalogOf(const Schema& schema, const std::string& path);

// Reads the file, checks it and builds its catalog.
std::variant<std::shared_ptr<const SchemaSnapshot>, SchemaError> LoadSchemaSnapshot(
    const std::string& path);

}  // namespace pgshift::rules
