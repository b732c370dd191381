// CREATE INDEX CONCURRENTLY on a partitioned table: PostgreSQL refuses it.
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "concurrent-index-on-partitioned-table",
    .summary = "CREATE INDEX CONCURRENTLY on a partitioned table",
    .rationale =
        "PostgreSQL cannot build an index concurrently on a partitioned table: the statement "
        "fails with \"cannot create index on partitioned table concurrently\", and the "
        "migration with it. Create the index on the parent alone (ON ONLY, instant, left "
        "invalid), build each partition's index concurrently, and attach each one; the parent's "
        "index becomes valid once every partition has one. The table must be known to be "
        "partitioned: created in the file, or in the history pgshift replays.",
    .bad =
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO "
        "('2025-01-01');\n"
        "-- later, in its own migration:\n"
        "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);",
    .good =
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO "
        "('2025-01-01');\n"
        "CREATE INDEX events_at_idx ON ONLY events (at);\n"
        "CREATE INDEX CONCURRENTLY events_2024_at_idx ON events_2024 (at);\n"
        "ALTER INDEX events_at_idx ATTACH PARTITION events_2024_at_idx;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_INDEX_STMT)) return;
  const auto& index = *ctx.node()->index_stmt;
  if (!index.concurrent) return;
  const parser::QualifiedName table = parser::NameOf(index.relation);
  const CatalogTable* known = ctx.catalog.FindTable(table);
  if (known == nullptr || !known->partitioned) return;
  const std::string name =
      !parser::Str(index.idxname).empty() ? QuoteIdent(index.idxname) : table.name + "_idx";
  const std::string keys =
      TextThroughParentheses(ctx.statement(), index.relation->location, true).value_or("(...)");
  std::string help =
      "Index the parent alone, then each partition concurrently, and attach:\n  CREATE INDEX " +
      name + " ON ONLY " + SqlName(table) + " " + keys + ";";
  const auto partitions = ctx.catalog.PartitionsOf(table);
  for (const CatalogTable* partition : partitions) {
    const std::string part_index =
        QuoteIdent(partition->name.name + "_" + std::string(parser::Str(index.idxname)));
    help += "\n  CREATE INDEX CONCURRENTLY " + part_index + " ON " + SqlName(partition->name) +
            " " + keys +
            ";"
            "\n  ALTER INDEX " +
            name + " ATTACH PARTITION " + part_index + ";";
  }
  if (partitions.empty())
    help += "\n  -- for each partition: CREATE INDEX CONCURRENTLY ..., then ALTER INDEX " + name +
            " ATTACH PARTITION ...;";
  report.Add("CREATE INDEX CONCURRENTLY on partitioned table " + table.ToString() +
                 " fails: PostgreSQL "
                 "cannot build it concurrently",
             help, LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
