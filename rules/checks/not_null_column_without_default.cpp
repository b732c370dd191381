// A NOT NULL column without a default on an existing table: added as such, or made so later in
// the same file (SET NOT NULL, or DROP DEFAULT after adding it with one).
#include "rules/analysis/catalog.h"
#include "rules/analysis/column_forms.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "not-null-column-without-default",
    .summary =
        "A NOT NULL column without a DEFAULT added to an existing table (ADD COLUMN, or "
        "SET NOT NULL / DROP DEFAULT on a column added in the same file)",
    .rationale =
        "On a table with rows the statement fails: existing rows would hold NULL. On an empty "
        "table it succeeds, and then every INSERT of the application version still running, "
        "which does not know the column, fails. The same holds when a column added in the same "
        "file is made NOT NULL, or loses its default, before any deployed code writes it. Add "
        "the column nullable (or with a default), backfill it, then enforce NOT NULL through a "
        "validated CHECK once the code writes it.",
    .bad = "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;",
    .good = "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;",
    .severity = Severity::kError,
};

bool FillsItself(const PgQuery__ColumnDef& column) {
  for (std::size_t i = 0; i < column.n_constraints; ++i) {
    const parser::Node* c = column.constraints[i];
    if (c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
        (c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY ||
         c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED)) {
      return true;
    }
  }
  return IsSerialType(parser::TypeSpecOf(column.type_name).name);
}

void CheckAddColumn(const StatementContext& ctx, const parser::QualifiedName& table,
                    const PgQuery__AlterTableCmd& cmd, Reporter& report) {
  const auto& column = *cmd.def->column_def;
  // Identity and serial columns fill themselves: the rewrite rules judge those.
  if (!ColumnIsNotNull(column) || ColumnDefault(column) != nullptr || FillsItself(column)) return;
  const std::string name = QuoteIdent(parser::Str(column.colname));
  const std::string check = std::string(parser::Str(column.colname)) + "_not_null";
  const std::string t = SqlName(table);
  report.Add("ADD COLUMN " + name +
                 " NOT NULL without a default fails on a table with rows, "
                 "and breaks INSERTs of the running version",
             "Add it with a default, or in stages:\n"
             "  ALTER TABLE " +
                 t + " ADD COLUMN " + name + " " + parser::TypeSpecOf(column.type_name).ToString() +
                 ";\n"
                 "  -- backfill in batches (pgshift run), then:\n"
                 "  ALTER TABLE " +
                 t + " ADD CONSTRAINT " + check + " CHECK (" + name +
                 " IS NOT NULL) NOT VALID;\n"
                 "  ALTER TABLE " +
                 t + " VALIDATE CONSTRAINT " + check +
                 ";\n"
                 "  ALTER TABLE " +
                 t + " ALTER COLUMN " + name + " SET NOT NULL;",
             LockText(ctx, table), parser::LocationOf(cmd.def));
}

// SET NOT NULL or DROP DEFAULT on a column this file added: the net effect is the same.
void CheckNewColumn(const StatementContext& ctx, const parser::QualifiedName& table,
                    const PgQuery__AlterTableCmd& cmd, Reporter& report) {
  const std::string column(parser::Str(cmd.name));
  const CatalogTable* known = ctx.catalog.FindTable(table);
  const CatalogColumn* c = known != nullptr ? known->FindColumn(column) : nullptr;
  if (c == nullptr || !c->is_new || IsSerialType(c->type.name)) return;
  const bool set_not_null = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
  if (set_not_null ? c->has_default : !c->not_null) return;
  const std::string name = QuoteIdent(column);
  report.Add(std::string(set_not_null ? "SET NOT NULL" : "DROP DEFAULT") + " leaves " + name +
                 ", added in this file, NOT NULL without a default: INSERTs of the running "
                 "version, which do not know it, fail",
             "Keep a default until the deployed code writes " + name +
                 ":\n"
                 "  ALTER TABLE " +
                 SqlName(table) + " ALTER COLUMN " + name +
                 " SET DEFAULT <value>;\n"
                 "  -- and drop the default (or set NOT NULL) in a later release",
             LockText(ctx, table));
}

void Check(const StatementContext& ctx, Reporter& report) {
  ForEachAlterCommand(
      ctx, [&](const parser::QualifiedName& table, const PgQuery__AlterTableCmd& cmd) {
        if (ctx.IsNew(table)) return;
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && cmd.def != nullptr &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          CheckAddColumn(ctx, table, cmd, report);
        } else if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull ||
                   (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault &&
                    cmd.def == nullptr)) {
          CheckNewColumn(ctx, table, cmd, report);
        }
      });
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
