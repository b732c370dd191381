// RENAME COLUMN on an existing table or view: the running version still uses the old name.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "rename-column",
    .summary = "RENAME COLUMN on an existing table or view",
    .rationale =
        "The rename is instant, and that is the problem: the application version still running "
        "uses the old name, and every one of its queries on the column fails at once. Rename in "
        "stages: add the new column, write both, backfill, switch reads, then drop the old one. "
        "A column added earlier in the same file is unknown to deployed code and may be renamed, "
        "and a down migration may rename a column back to the name its up migration changed.",
    .bad = "ALTER TABLE users RENAME COLUMN email TO email_address;",
    .good =
        "ALTER TABLE users ADD COLUMN email_address text;\n"
        "-- deploy code that writes both columns, backfill, switch reads, then drop email",
    .severity = Severity::kError,
    .contract_change = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  // The release rules judge it on the evidence of the code that runs during the deploy.
  if (ctx.settings.ContractJudgedByRelease()) return;
  if (!ctx.Is(PG_QUERY__NODE__NODE_RENAME_STMT)) return;
  const auto& rename = *ctx.node()->rename_stmt;
  if (rename.rename_type != PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN || rename.relation == nullptr) return;
  const parser::QualifiedName table = parser::NameOf(rename.relation);
  if (ctx.IsNew(table)) return;
  const std::string_view column = parser::Str(rename.subname);
  const CatalogTable* known = ctx.catalog.FindTable(table);
  if (known != nullptr && known->IsNewColumn(column)) return;
  // A rollback renaming the column back to the name its up migration changed restores what the
  // version rolled back to reads.
  const CatalogColumn* renamed = known != nullptr ? known->FindColumn(column) : nullptr;
  if (ctx.settings.rollback && renamed != nullptr &&
      renamed->released_name == parser::Str(rename.newname)) {
    return;
  }
  const std::string t = SqlName(table);
  const std::string old_name = QuoteIdent(column);
  const std::string new_name = QuoteIdent(parser::Str(rename.newname));
  const bool is_view = rename.relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ||
                       rename.relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
  std::string help;
  if (is_view) {
    help =
        "Keep the old column in the view for one release: recreate it with both names\n"
        "  (SELECT ..., " +
        old_name + ", " + old_name + " AS " + new_name +
        " ...),\n"
        "  move the code to " +
        new_name + ", then drop " + old_name + " from the view later.";
  } else {
    const CatalogColumn* c = known != nullptr ? known->FindColumn(column) : nullptr;
    const std::string type = c != nullptr && !c->type.empty() ? c->type.ToString() : "<type>";
    help =
        "Rename in expand-contract stages:\n"
        "  ALTER TABLE " +
        t + " ADD COLUMN " + new_name + " " + type +
        ";  -- expand\n"
        "  -- deploy code writing both; backfill " +
        new_name + " from " + old_name +
        " in batches\n"
        "  -- deploy code reading " +
        new_name +
        "; then, a release later:\n"
        "  ALTER TABLE " +
        t + " DROP COLUMN " + old_name + ";  -- contract";
  }
  report.Add("Renaming " + t + "." + old_name + " to " + new_name +
                 " breaks every query of the running version that uses the old name",
             help, LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
