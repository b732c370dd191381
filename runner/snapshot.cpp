#include "runner/snapshot.h"

#include <map>

namespace pgshift::runner {
namespace {

// The user's tables: ordinary and partitioned, outside the system schemas.
constexpr const char* kTables = R"sql(
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%')sql";

// reltuples is -1 before the first ANALYZE or VACUUM (0 before PostgreSQL 14, where a table
// with pages but no counted rows is taken as not yet analysed): then the rows are unknown.
// A partitioned table has no storage of its own; its figures are the sums over its partitions.
const std::string kTableQuery = std::string(R"sql(
WITH t AS ()sql") + kTables + R"sql(),
tree AS (
  SELECT t.oid AS root, t.oid AS relid FROM t JOIN pg_class c ON c.oid = t.oid
  WHERE c.relkind = 'r'
  UNION ALL
  SELECT t.oid, p.relid FROM t JOIN pg_class c ON c.oid = t.oid, pg_partition_tree(t.oid) p
  WHERE c.relkind = 'p' AND p.isleaf),
leaf AS (
  SELECT tree.root, l.reltuples, l.relpages, pg_relation_size(l.oid) AS bytes,
         pg_total_relation_size(l.oid) AS total
  FROM tree JOIN pg_class l ON l.oid = tree.relid)
SELECT c.oid, n.nspname, c.relname,
  (SELECT CASE WHEN bool_and(reltuples >= 0 AND NOT (reltuples = 0 AND relpages > 0))
               THEN round(sum(reltuples))::bigint END FROM leaf WHERE root = c.oid),
  (SELECT sum(bytes)::bigint FROM leaf WHERE root = c.oid),
  (SELECT sum(total)::bigint FROM leaf WHERE root = c.oid),
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
  pn.nspname, p.relname,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END
FROM pg_class c JOIN t ON t.oid = c.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
LEFT JOIN pg_class p ON p.oid = i.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
ORDER BY n.nspname, c.relname)sql";

const std::string kColumnQuery = std::string(R"sql(
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid IN ()sql") + kTables + R"sql()
ORDER BY a.attrelid, a.attnum)sql";

const std::string kConstraintQuery = std::string(R"sql(
SELECT conrelid, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint
WHERE contype IN ('c', 'f', 'p', 'u', 'x') AND conrelid IN ()sql") + kTables + R"sql()
ORDER BY conrelid, conname)sql";

const std::string kIndexQuery = std::string(R"sql(
SELECT i.indrelid, c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid,
       pg_relation_size(i.indexrelid),
       (SELECT conname FROM pg_constraint k WHERE k.conindid = i.indexrelid
          AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x') LIMIT 1)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid IN ()sql") + kTables + R"sql()
ORDER BY i.indrelid, c.relname)sql";

constexpr const char* kEnumQuery = R"sql(
SELECT n.nspname, t.typname, e.enumlabel
FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY n.nspname, t.typname, e.enumsortorder)sql";

std::string Text(const Row& row, std::size_t i) { return row.at(i).value_or(""); }

std::optional<std::int64_t> Number(const Row& row, std::size_t i) {
  if (!row.at(i)) return std::nullopt;
  return std::stoll(*row.at(i));
}

DbResult<Rows> Query(Database& db, const std::string& sql) { return db.Exec(sql); }

DbResult<rules::Schema> Read(Database& db, const std::string& source) {
  rules::Schema schema;
  schema.source = source;
  const auto about = Query(db,
                           "SELECT current_setting('server_version'), "
                           "current_setting('server_version_num')::int >= 120000, "
                           "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
  if (const DbError* error = ErrorOf(about)) return *error;
  const Row& first = std::get<Rows>(about).rows.at(0);
  schema.server_version = Text(first, 0);
  if (Text(first, 1) != "t") {
    return DbError{"", "the server runs PostgreSQL " + schema.server_version +
                           "; snapshots need PostgreSQL 12 or later"};
  }
  schema.taken_at = Text(first, 2);

  std::map<std::string, std::size_t> by_oid;
  const auto tables = Query(db, kTableQuery);
  if (const DbError* error = ErrorOf(tables)) return *error;
  for (const Row& row : std::get<Rows>(tables).rows) {
    rules::SnapshotTable table;
    table.schema = Text(row, 1);
    table.name = Text(row, 2);
    table.rows = Number(row, 3);
    table.bytes = Number(row, 4);
    table.total_bytes = Number(row, 5);
    table.partition_key = Text(row, 6);
    table.parent_schema = Text(row, 7);
    table.parent_name = Text(row, 8);
    table.partition_bound = Text(row, 9);
    by_oid[Text(row, 0)] = schema.tables.size();
    schema.tables.push_back(std::move(table));
  }
  // Rows of the other queries, each given to the table it belongs to (by oid, column 0).
  const auto each = [&](const std::string& sql, const auto& add) -> std::optional<DbError> {
    const auto result = Query(db, sql);
    if (const DbError* error = ErrorOf(result)) return *error;
    for (const Row& row : std::get<Rows>(result).rows) {
      const auto found = by_oid.find(Text(row, 0));
      if (found != by_oid.end()) add(schema.tables[found->second], row);
    }
    return std::nullopt;
  };
  if (auto error = each(kColumnQuery, [](rules::SnapshotTable& table, const Row& row) {
        rules::SnapshotColumn column;
        column.name = Text(row, 1);
        column.type = Text(row, 2);
        column.not_null = Text(row, 3) == "t";
        column.default_value = row.at(4);
        const std::string identity = Text(row, 5);
        column.identity = identity == "a" ? "always" : identity == "d" ? "by default" : "";
        column.generated = Text(row, 6) == "s";
        // An identity column's default is the sequence behind it, which the server writes.
        if (!column.identity.empty()) column.default_value.reset();
        table.columns.push_back(std::move(column));
      })) {
    return *error;
  }
  if (auto error = each(kConstraintQuery, [](rules::SnapshotTable& table, const Row& row) {
        table.constraints.push_back({Text(row, 1), Text(row, 2), Text(row, 3) == "t"});
      })) {
    return *error;
  }
  if (auto error = each(kIndexQuery, [](rules::SnapshotTable& table, const Row& row) {
        table.indexes.push_back(
            {Text(row, 1), Text(row, 2), Text(row, 5), Text(row, 3) == "t", Number(row, 4)});
      })) {
    return *error;
  }
  const auto enums = Query(db, kEnumQuery);
  if (const DbError* error = ErrorOf(enums)) return *error;
  for (const Row& row : std::get<Rows>(enums).rows) {
    if (schema.enums.empty() || schema.enums.back().schema != Text(row, 0) ||
        schema.enums.back().name != Text(row, 1)) {
      schema.enums.push_back({Text(row, 0), Text(row, 1), {}});
    }
    schema.enums.back().labels.push_back(Text(row, 2));
  }
  return schema;
}

}  // namespace

DbResult<rules::Schema> TakeSnapshot(Database& db, const std::string& source) {
  // One consistent view. pg_relation_size takes a brief ACCESS SHARE lock: wait for it at most
  // a few seconds rather than queue behind a migration's ACCESS EXCLUSIVE for long.
  if (auto error = ExecError(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                                 "SET LOCAL lock_timeout = '5s'")) {
    return *error;
  }
  DbResult<rules::Schema> result = Read(db, source);
  ExecError(db, ErrorOf(result) != nullptr ? "ROLLBACK" : "COMMIT");
  return result;
}

}  // namespace pgshift::runner
