// ADD COLUMN ... NOT NULL without a default on an existing table.
#include "rules/analysis/catalog.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "not-null-column-without-default",
    .summary = "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table",
    .rationale =
        "On a table with rows the statement fails: existing rows would hold NULL. On an empty "
        "table it succeeds, and then every INSERT of the application version still running, "
        "which does not know the column, fails. Add the column nullable (or with a default), "
        "backfill it, then enforce NOT NULL through a validated CHECK.",
    .bad = "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;",
    .good = "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn || cmd.def == nullptr ||
        cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF || ctx.IsNew(table)) {
      return;
    }
    const auto& column = *cmd.def->column_def;
    if (!ColumnIsNotNull(column) || ColumnDefault(column) != nullptr) return;
    // Identity and serial columns fill themselves: the rewrite rules judge those.
    for (std::size_t i = 0; i < column.n_constraints; ++i) {
      const parser::Node* c = column.constraints[i];
      if (c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
          (c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY ||
           c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED)) {
        return;
      }
    }
    const std::string type = parser::TypeSpecOf(column.type_name).name;
    if (type.find("serial") != std::string::npos) return;
    const std::string name = QuoteIdent(parser::Str(column.colname));
    const std::string check = std::string(parser::Str(column.colname)) + "_not_null";
    const std::string t = table.ToString();
    report.Add("ADD COLUMN " + name + " NOT NULL without a default fails on a table with rows, "
                   "and breaks INSERTs of the running version",
               "Add it with a default, or in stages:\n"
               "  ALTER TABLE " + t + " ADD COLUMN " + name + " " + parser::TypeSpecOf(column.type_name).ToString() + ";\n"
               "  -- backfill in batches (pgshift run), then:\n"
               "  ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" + name + " IS NOT NULL) NOT VALID;\n"
               "  ALTER TABLE " + t + " VALIDATE CONSTRAINT " + check + ";\n"
               "  ALTER TABLE " + t + " ALTER COLUMN " + name + " SET NOT NULL;",
               LockText(ctx, table), parser::LocationOf(cmd.def));
  });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
