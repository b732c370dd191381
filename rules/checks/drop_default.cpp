// ALTER COLUMN ... DROP DEFAULT on an existing column: INSERTs that leave the column out change.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-default",
    .summary = "ALTER COLUMN ... DROP DEFAULT on an existing column",
    .rationale =
        "The application version still running may insert rows without naming the column and "
        "count on the default: after DROP DEFAULT those rows get NULL instead, or fail when the "
        "column is NOT NULL. Instant for the lock, so only a note: check that the deployed code "
        "always sets the column before the default goes. (A NOT NULL column added earlier in "
        "the same file is reported by not-null-column-without-default instead.)",
    .bad = "ALTER TABLE orders ALTER COLUMN currency DROP DEFAULT;",
    .good =
        "-- release N: always write orders.currency\n"
        "-- release N+1:\n"
        "-- pgshift-ignore drop-default: every INSERT sets currency since release N\n"
        "ALTER TABLE orders ALTER COLUMN currency DROP DEFAULT;",
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault || cmd.def != nullptr ||
            ctx.IsNew(table)) {
          return;
        }
        const std::string column(parser::Str(cmd.name));
        if (IsNewColumn(ctx, table, column)) return;
        const CatalogTable* known = ctx.catalog.FindTable(table);
        const CatalogColumn* c = known != nullptr ? known->FindColumn(column) : nullptr;
        const bool not_null = c != nullptr && c->not_null;
        report.Add("DROP DEFAULT on " + table.ToString() + "." + column +
                       ": INSERTs of the running version that leave it out " +
                       (not_null ? "fail, as it is NOT NULL" : "now store NULL"),
                   "Make sure the deployed code sets " + column +
                       " in every INSERT before dropping its default.",
                   LockText(ctx, table));
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
