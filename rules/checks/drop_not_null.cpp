// ALTER COLUMN ... DROP NOT NULL on an existing column: the running version may not expect NULL.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "drop-not-null",
    .summary = "ALTER COLUMN ... DROP NOT NULL on an existing column",
    .rationale =
        "Dropping NOT NULL is instant and the right first step when a column is on its way "
        "out, but the application version still running was written against a column that is "
        "never NULL: once new code or a backfill stores NULL, old code reading it may crash on "
        "the null value or treat it as a real one. A note, not an error: check that the running "
        "version copes with NULL before anything writes one.",
    .bad = "ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;",
    .good =
        "-- release N: make every reader of users.phone handle NULL\n"
        "-- release N+1:\n"
        "-- pgshift-ignore drop-not-null: readers handle NULL since release N\n"
        "ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;",
    .severity = Severity::kInfo,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull || ctx.IsNew(table)) return;
        const std::string column(parser::Str(cmd.name));
        if (IsNewColumn(ctx, table, column)) return;
        report.Add("DROP NOT NULL on " + SqlColumn(table, column) +
                       ": the running version may not expect NULL there",
                   "Make sure every reader of " + QuoteIdent(column) +
                       " in the deployed code handles NULL before anything writes one.",
                   LockText(ctx, table));
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
