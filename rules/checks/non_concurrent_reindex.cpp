// REINDEX without CONCURRENTLY: writes blocked, and reads through the index, for the rebuild.
#include "rules/analysis/column_forms.h"
#include "rules/fix_edits.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "non-concurrent-reindex",
    .summary = "REINDEX without CONCURRENTLY on an existing index, table, schema or database",
    .rationale =
        "REINDEX takes SHARE on the table, blocking writes for the whole rebuild, and ACCESS "
        "EXCLUSIVE on each index it rebuilds, which every query that plans against the table "
        "waits for: in practice reads stop too (checked against PostgreSQL 15). From PostgreSQL "
        "12, REINDEX CONCURRENTLY rebuilds without blocking reads or writes, outside a "
        "transaction block. Before 12, build a new index CONCURRENTLY, drop the old one "
        "CONCURRENTLY and rename the new one.",
    .bad = "REINDEX INDEX users_email_idx;",
    .good = "REINDEX INDEX CONCURRENTLY users_email_idx;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_REINDEX_STMT)) return;
  const auto& reindex = *ctx.node()->reindex_stmt;
  if (HasDefElem(reindex.params, reindex.n_params, "concurrently")) return;
  std::string what;
  PgQuery__Token keyword = PG_QUERY__TOKEN__INDEX;
  parser::QualifiedName table;
  switch (reindex.kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE: {
      if (reindex.relation == nullptr) return;
      const parser::QualifiedName name = parser::NameOf(reindex.relation);
      if (ctx.IsNew(name)) return;
      const CatalogIndex* index = ctx.catalog.FindIndex(name);
      table =
          reindex.kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX && index != nullptr
              ? index->table
              : name;
      if (ctx.IsNew(table)) return;
      const bool is_index = reindex.kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX;
      what = std::string(is_index ? "REINDEX INDEX " : "REINDEX TABLE ") + SqlName(name);
      keyword = is_index ? PG_QUERY__TOKEN__INDEX : PG_QUERY__TOKEN__TABLE;
      break;
    }
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
      what = "REINDEX SCHEMA " + std::string(parser::Str(reindex.name));
      keyword = PG_QUERY__TOKEN__SCHEMA;
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE:
      what = "REINDEX DATABASE";
      keyword = PG_QUERY__TOKEN__DATABASE;
      break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM:
      what = "REINDEX SYSTEM";
      break;
    default:
      return;
  }
  const bool system = reindex.kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM;
  const std::optional<Edit> edit =
      system ? std::nullopt : InsertAfterToken(ctx.statement(), keyword, "CONCURRENTLY");
  std::string help;
  if (ctx.pg_version() < 12) {
    help =
        "Before PostgreSQL 12 there is no REINDEX CONCURRENTLY: build a replacement with CREATE "
        "INDEX "
        "CONCURRENTLY, DROP INDEX CONCURRENTLY the old one, then ALTER INDEX ... RENAME TO the old "
        "name.";
  } else if (system) {
    help =
        "System catalogs cannot be reindexed concurrently: run it in a maintenance window, not in "
        "a migration.";
  } else {
    help = std::string(ctx.transaction().in_block
                           ? "Rebuild it concurrently, outside any transaction block:\n  "
                           : "Rebuild it concurrently" + std::string(kFixDoesThis) + ":\n  ") +
           (edit ? StatementWith(ctx.statement(), *edit) : what + " CONCURRENTLY") + ";" +
           (ctx.transaction().in_block ? "\n" + OutsideTransactionAdvice(ctx) : "");
  }
  Report& r = report.Add(
      what +
          " without CONCURRENTLY blocks writes, and reads through the index, for the "
          "whole rebuild",
      help,
      table.empty() ? "takes SHARE on each table in turn, blocking writes, and ACCESS EXCLUSIVE on "
                      "each index it rebuilds, which queries planning against the table wait for"
                    : LockText(ctx, table));
  if (edit && ctx.pg_version() >= 12 && !ctx.transaction().in_block) r.fix = {*edit};
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
