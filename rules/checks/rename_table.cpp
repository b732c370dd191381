// Renaming an existing table or view, or moving it to another schema: the running version still
// uses the old name.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "rename-table",
    .summary = "RENAME TO or SET SCHEMA on an existing table or view",
    .rationale =
        "Every query of the application version still running names the old table and fails "
        "as soon as the rename commits; moving it to another schema does the same to every "
        "query that finds it through the search path. Rename through a view: rename the table "
        "and create a view with the old name in the same transaction (simple views are "
        "updatable), move the code to the new name, then drop the view a release later.",
    .bad = "ALTER TABLE customers RENAME TO accounts;",
    .good =
        "-- pgshift-ignore rename-table: the view keeps the old name working\n"
        "ALTER TABLE customers RENAME TO accounts;\n"
        "CREATE VIEW customers AS SELECT * FROM accounts;",
    .severity = Severity::kError,
    .contract_change = true,
};

bool IsRelation(PgQuery__ObjectType type) {
  return type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
         type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
         type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ||
         type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE;
}

void Check(const StatementContext& ctx, Reporter& report) {
  // The release rules judge it on the evidence of the code that runs during the deploy.
  if (ctx.settings.ContractJudgedByRelease()) return;
  const PgQuery__RangeVar* relation = nullptr;
  parser::QualifiedName renamed;
  std::string kind = "table";
  if (ctx.Is(PG_QUERY__NODE__NODE_RENAME_STMT)) {
    const auto& rename = *ctx.node()->rename_stmt;
    if (!IsRelation(rename.rename_type)) return;
    relation = rename.relation;
    renamed = parser::NameOf(relation);
    renamed.name = parser::Str(rename.newname);
    if (rename.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) kind = "view";
  } else if (ctx.Is(PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT)) {
    const auto& move = *ctx.node()->alter_object_schema_stmt;
    if (!IsRelation(move.object_type)) return;
    relation = move.relation;
    renamed = parser::NameOf(relation);
    renamed.schema = parser::Str(move.newschema);
    if (move.object_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) kind = "view";
  }
  if (relation == nullptr) return;
  const parser::QualifiedName table = parser::NameOf(relation);
  if (ctx.IsNew(table)) return;
  const std::string old_sql = SqlName(table);
  const std::string new_sql = SqlName(renamed);
  const std::string help =
      kind == "table"
          ? "Keep the old name working for one release:\n"
            "  BEGIN;\n"
            "  " +
                std::string(ctx.statement().text) +
                ";\n"
                "  CREATE VIEW " +
                old_sql + " AS SELECT * FROM " + new_sql +
                ";\n"
                "  COMMIT;\n"
                "  -- move the code to " +
                new_sql + ", then drop the view in a later release"
          : "Create the view under its new name as well, move the code to it, and drop the old "
            "one in a later release.";
  report.Add("Renaming " + kind + " " + old_sql + " to " + new_sql +
                 " breaks every query of the running version that uses the old name",
             help, LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
