// RENAME of an existing table: the running version still uses the old name.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "rename-table",
    .summary = "ALTER TABLE ... RENAME TO on an existing table",
    .rationale =
        "Every query of the application version still running names the old table and fails "
        "as soon as the rename commits. Rename through a view: rename the table and create a "
        "view with the old name in the same transaction (simple views are updatable), move the "
        "code to the new name, then drop the view a release later.",
    .bad = "ALTER TABLE customers RENAME TO accounts;",
    .good = "-- pgshift-ignore rename-table: the view keeps the old name working\n"
            "ALTER TABLE customers RENAME TO accounts;\n"
            "CREATE VIEW customers AS SELECT * FROM accounts;",
    .severity = Severity::kError,
    .contract_change = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_RENAME_STMT)) return;
  const auto& rename = *ctx.node()->rename_stmt;
  if (rename.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || rename.relation == nullptr) return;
  const parser::QualifiedName table = parser::NameOf(rename.relation);
  if (ctx.IsNew(table)) return;
  const std::string new_name(parser::Str(rename.newname));
  report.Add("Renaming table " + table.ToString() + " to " + new_name +
                 " breaks every query of the running version that uses the old name",
             "Keep the old name working for one release:\n"
             "  BEGIN;\n"
             "  ALTER TABLE " + table.ToString() + " RENAME TO " + QuoteIdent(new_name) + ";\n"
             "  CREATE VIEW " + table.ToString() + " AS SELECT * FROM " + QuoteIdent(new_name) + ";\n"
             "  COMMIT;\n"
             "  -- move the code to " + new_name + ", then drop the view in a later release",
             LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
