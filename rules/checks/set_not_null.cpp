// SET NOT NULL on an existing column: a full scan under ACCESS EXCLUSIVE, unless a validated
// CHECK (col IS NOT NULL) already proves it (PostgreSQL 12+).
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "set-not-null",
    .summary = "ALTER COLUMN ... SET NOT NULL on an existing table without a validated CHECK",
    .rationale =
        "SET NOT NULL scans the whole table to prove no NULL exists, holding ACCESS EXCLUSIVE: "
        "no reads, no writes until the scan ends. From PostgreSQL 12, a validated "
        "CHECK (col IS NOT NULL) constraint lets it skip the scan; the CHECK can be added NOT "
        "VALID (instant) and validated under a lock that blocks nobody.",
    .bad = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    .good = "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n"
            "-- in a later transaction:\n"
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n"
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
            "ALTER TABLE users DROP CONSTRAINT users_email_not_null;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull || ctx.IsNew(table)) return;
    const std::string column(parser::Str(cmd.name));
    const CatalogTable* known = ctx.catalog.FindTable(table);
    if (ctx.pg_version() >= 12 && known != nullptr && known->HasValidatedNotNullCheck(column)) {
      return;
    }
    const std::string t = SqlName(table);
    const std::string c = QuoteIdent(column);
    const std::string check = table.name + "_" + column + "_not_null";
    std::string help;
    if (ctx.pg_version() >= 12) {
      help = "Prove it with a CHECK first, validated without blocking:\n"
             "  ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" + c + " IS NOT NULL) NOT VALID;\n"
             "  -- in a later transaction:\n"
             "  ALTER TABLE " + t + " VALIDATE CONSTRAINT " + check + ";\n"
             "  ALTER TABLE " + t + " ALTER COLUMN " + c + " SET NOT NULL;\n"
             "  ALTER TABLE " + t + " DROP CONSTRAINT " + check + ";";
    } else {
      help = "Before PostgreSQL 12 there is no scan-free SET NOT NULL: keep a validated "
             "CHECK (" + c + " IS NOT NULL) NOT VALID constraint instead of the column's NOT NULL.";
    }
    report.Add("SET NOT NULL on " + t + "." + column +
                   " scans the whole table under ACCESS EXCLUSIVE",
               help, LockText(ctx, table));
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
