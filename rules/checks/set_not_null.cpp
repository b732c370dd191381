// SET NOT NULL on an existing column: a full scan under ACCESS EXCLUSIVE, unless a validated
// CHECK (col IS NOT NULL) already proves it (PostgreSQL 12+).
#include <string>
#include <vector>

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
        "VALID (instant) and validated under a lock that blocks nobody. One statement that sets "
        "several columns NOT NULL is one finding naming them all.",
    .bad = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    .good = "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n"
            "-- in a later transaction:\n"
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n"
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
            "ALTER TABLE users DROP CONSTRAINT users_email_not_null;",
    .severity = Severity::kError,
};

// One finding per statement: SET NOT NULL on several columns is one scan, and it names them all.
void Check(const StatementContext& ctx, Reporter& report) {
  parser::QualifiedName table;
  std::vector<std::string> columns;
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& altered, const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull || ctx.IsNew(altered)) return;
    const std::string column(parser::Str(cmd.name));
    const CatalogTable* known = ctx.catalog.FindTable(altered);
    if (ctx.pg_version() >= 12 && known != nullptr && known->HasValidatedNotNullCheck(column)) {
      return;
    }
    table = altered;
    columns.push_back(column);
  });
  if (columns.empty()) return;
  const std::string t = SqlName(table);
  std::vector<std::string> quoted;
  for (const std::string& column : columns) quoted.push_back(QuoteIdent(column));
  std::string help;
  if (ctx.pg_version() >= 12) {
    std::string add, validate, set, drop;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::string check = table.name + "_" + columns[i] + "_not_null";
      add += "  ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" + quoted[i] +
             " IS NOT NULL) NOT VALID;\n";
      validate += "  ALTER TABLE " + t + " VALIDATE CONSTRAINT " + check + ";\n";
      set += "  ALTER TABLE " + t + " ALTER COLUMN " + quoted[i] + " SET NOT NULL;\n";
      drop += "\n  ALTER TABLE " + t + " DROP CONSTRAINT " + check + ";";
    }
    help = "Prove it with a CHECK first, validated without blocking:\n" + add +
           "  -- in a later transaction:\n" + validate + set;
    help.pop_back();  // the last newline: the DROP lines start with their own
    help += drop;
  } else if (columns.size() == 1) {
    help = "Before PostgreSQL 12 there is no scan-free SET NOT NULL: keep a validated "
           "CHECK (" + quoted[0] + " IS NOT NULL) NOT VALID constraint instead of the column's "
           "NOT NULL.";
  } else {
    help = "Before PostgreSQL 12 there is no scan-free SET NOT NULL: keep a validated "
           "CHECK (col IS NOT NULL) NOT VALID constraint for each of " + NameList(quoted) +
           " instead of the columns' NOT NULL.";
  }
  const std::string what = columns.size() == 1 ? t + "." + quoted[0]
                                               : std::to_string(columns.size()) + " columns of " +
                                                     t + " (" + NameList(quoted) + ")";
  report.Add("SET NOT NULL on " + what + " scans the whole table under ACCESS EXCLUSIVE", help,
             LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
