// CREATE INDEX CONCURRENTLY on a partitioned table: PostgreSQL refuses it, so the migration fails
// in production. Known only from the history: the catalog replayed from earlier migrations.
#include <cctype>

#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "concurrent-index-on-partitioned-table",
    .summary = "CREATE INDEX CONCURRENTLY on a partitioned table",
    .rationale =
        "PostgreSQL cannot build an index on a partitioned table concurrently (\"cannot create "
        "index on partitioned table concurrently\"), with or without ON ONLY: the migration "
        "fails when it runs. Build the index on each partition concurrently instead, create the "
        "parent's index ON ONLY the parent (instant, invalid at first), and attach each "
        "partition's index; the parent's index becomes valid once every partition has one.",
    .bad =
        "CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);\n"
        "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);",
    .good =
        "CREATE INDEX events_at_idx ON ONLY events (at);\n"
        "CREATE INDEX CONCURRENTLY events_2025_at_idx ON events_2025 (at);\n"
        "ALTER INDEX events_at_idx ATTACH PARTITION events_2025_at_idx;",
    .min_pg_version = 11,
    .severity = Severity::kError,
};

// What follows the table name in CREATE INDEX: "(at)", "USING gin (tags) WHERE ...".
std::string AfterTable(std::string_view sql, int location) {
  if (location < 0 || static_cast<std::size_t>(location) >= sql.size()) return "(...)";
  std::size_t i = location;
  bool quoted = false;
  for (; i < sql.size(); ++i) {
    if (sql[i] == '"') quoted = !quoted;
    if (!quoted && (sql[i] == '(' || std::isspace(static_cast<unsigned char>(sql[i])))) break;
  }
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  return i < sql.size() ? std::string(sql.substr(i)) : "(...)";
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_INDEX_STMT)) return;
  const auto& index = *ctx.node()->index_stmt;
  if (!index.concurrent || index.relation == nullptr) return;
  const parser::QualifiedName table = parser::NameOf(index.relation);
  const CatalogTable* known = ctx.catalog.FindTable(table);
  if (known == nullptr || !known->partitioned) return;

  const std::string name = parser::Str(index.idxname).empty()
                               ? table.name + "_idx"
                               : std::string(parser::Str(index.idxname));
  const std::string columns = AfterTable(ctx.statement().text, index.relation->location);
  const std::string unique = index.unique ? "UNIQUE " : "";
  std::string help =
      "Index each partition concurrently and attach it to an index made ON ONLY the parent "
      "(instant: the parent holds no rows; valid once every partition's index is attached):\n"
      "  CREATE " +
      unique + "INDEX " + QuoteIdent(name) + " ON ONLY " + SqlName(table) + " " + columns + ";";
  std::vector<const CatalogTable*> partitions = ctx.catalog.PartitionsOf(table);
  if (partitions.empty()) {
    help += "\n  -- for each partition p, outside a transaction block:\n  CREATE " + unique +
            "INDEX CONCURRENTLY p_" + name + " ON p " + columns + ";\n  ALTER INDEX " +
            QuoteIdent(name) + " ATTACH PARTITION p_" + name + ";";
  }
  for (const CatalogTable* partition : partitions) {
    const std::string part_index = QuoteIdent(partition->name.name + "_" + name);
    help += "\n  CREATE " + unique + "INDEX CONCURRENTLY " + part_index + " ON " +
            SqlName(partition->name) + " " + columns + ";\n  ALTER INDEX " + QuoteIdent(name) +
            " ATTACH PARTITION " + part_index + ";";
  }
  report.Add("CREATE INDEX CONCURRENTLY on partitioned table " + SqlName(table) +
                 " fails: PostgreSQL cannot build an index on a partitioned table concurrently",
             help, LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
