// One migration of a release that both expands the schema (new tables, columns, types) and
// contracts it (drops, renames): the two halves must ship in different releases, so one of them
// ships at the wrong time. Judged per release, where the file is known to be a unit that ships.
#include <optional>

#include "rules/analysis/schema_changes.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "mixed-expand-contract",
    .summary = "A migration that both adds (tables, columns, types) and drops or renames",
    .rationale =
        "Expand-contract works because each half ships at its own time: additions before the "
        "code that uses them, drops and renames a release after the last code that used the old "
        "shape. A migration holding both runs at one moment, so either the new code is deployed "
        "before its columns exist, or the old code is still running when its columns disappear. "
        "Typical case: a rename done as add-copy-drop in one file.",
    .bad =
        "ALTER TABLE users ADD COLUMN email_address text;\n"
        "UPDATE users SET email_address = email;\n"
        "ALTER TABLE users DROP COLUMN email;",
    .good =
        "-- V7__add_email_address.sql (expand, ships with the code that writes both)\n"
        "-- pgshift: phase=expand\n"
        "ALTER TABLE users ADD COLUMN email_address text;",
    .severity = Severity::kWarning,
    .needs_release = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  const std::vector<SchemaChange> contract = ContractChanges(ctx.file, ctx.index, ctx.catalog);
  if (contract.empty()) return;
  std::optional<SchemaChange> expand;
  for (const parser::Statement& statement : ctx.file.statements) {
    const std::vector<SchemaChange> changes = ExpandChanges(statement.node);
    if (!changes.empty()) {
      expand = changes.front();
      break;
    }
  }
  if (!expand) return;
  for (const SchemaChange& change : contract) {
    report.Add("This migration " + change.Describe() + " and also " + expand->Describe() +
                   ": expand and contract changes belong in different releases",
               "Split the file: the additions go in an expand migration that ships before the "
               "code using them (-- pgshift: phase=expand), the drops and renames in a contract "
               "migration a release after the last code using the old shape "
               "(-- pgshift: phase=contract).");
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
