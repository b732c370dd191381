// ALTER SCHEMA ... RENAME TO: every qualified name the running version uses stops resolving.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "rename-schema",
    .summary = "ALTER SCHEMA ... RENAME TO on an existing schema",
    .rationale =
        "Renaming a schema renames every table, view, function and type in it at once: each "
        "query of the application version still running that qualifies a name with the old "
        "schema, or finds it through a search_path naming it, fails as soon as the rename "
        "commits. There is no alias for a schema; create the new schema, move objects one by "
        "one behind views, or rename only when no deployed code uses the old name.",
    .bad = "ALTER SCHEMA billing RENAME TO invoicing;",
    .good =
        "CREATE SCHEMA invoicing;\n"
        "-- move tables one at a time, leaving a view under the old name for a release:\n"
        "-- pgshift-ignore rename-table: billing.invoices stays as a view\n"
        "ALTER TABLE billing.invoices SET SCHEMA invoicing;\n"
        "CREATE VIEW billing.invoices AS SELECT * FROM invoicing.invoices;",
    .severity = Severity::kError,
    .contract_change = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_RENAME_STMT)) return;
  const auto& rename = *ctx.node()->rename_stmt;
  if (rename.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) return;
  const std::string_view schema = parser::Str(rename.subname);
  if (ctx.catalog.IsNewSchema(schema)) return;
  const std::string old_name = QuoteIdent(schema);
  const std::string new_name = QuoteIdent(parser::Str(rename.newname));
  report.Add("Renaming schema " + old_name + " to " + new_name +
                 " breaks every query of the running version that names it or has it on its "
                 "search_path",
             "Move objects one at a time, each behind a view with its old name:\n"
             "  CREATE SCHEMA IF NOT EXISTS " +
                 new_name +
                 ";\n"
                 "  BEGIN;\n"
                 "  ALTER TABLE " +
                 old_name + ".<table> SET SCHEMA " + new_name +
                 ";\n"
                 "  CREATE VIEW " +
                 old_name + ".<table> AS SELECT * FROM " + new_name +
                 ".<table>;\n"
                 "  COMMIT;\n"
                 "  -- once no deployed code uses " +
                 old_name + ", drop its views and the schema");
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
