// A dropped or renamed table or column that application code at the release's head still uses.
#include "rules/analysis/schema_changes.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "contract-still-referenced",
    .summary = "DROP or RENAME of a table or column that application code still references",
    .rationale =
        "If the application code shipped with the release still names the table or column a "
        "migration drops or renames, the new version fails as soon as it runs that code, and so "
        "does the old one. pgshift looks for the name as a whole word in the application files "
        "at the release's head (respecting case for quoted identifiers), so the finding names "
        "the file and line to look at.",
    .bad = "ALTER TABLE users DROP COLUMN legacy_flag;",
    .good =
        "-- a release after the code stopped using legacy_flag\n"
        "ALTER TABLE users DROP COLUMN legacy_flag;",
    .severity = Severity::kError,
    .needs_release = true,
};

void Check(const StatementContext& ctx, Reporter& report) {
  const ReleaseFacts* release = ctx.settings.release.get();
  if (release == nullptr) return;
  for (const SchemaChange& change : ContractChanges(ctx.file, ctx.index, ctx.catalog)) {
    const CodeMatches uses = release->code->Find(change.Name());
    if (uses.total == 0) continue;
    const CodeReference& first = uses.first.front();
    std::string where = first.file + ":" + std::to_string(first.line);
    if (uses.total > 1) where += " (and " + std::to_string(uses.total - 1) + " more)";
    std::string list;
    for (const CodeReference& use : uses.first) {
      list += "\n  " + use.file + ":" + std::to_string(use.line);
    }
    report.Add("This migration " + change.Describe() + ", but application code still uses " +
                   change.Name() + " at " + where,
               "Remove every use and ship that code in an earlier release:" + list +
                   "\nIf a match is something else with the same name, exclude its path with "
                   "[release] exclude in pgshift.toml, or suppress the finding with "
                   "-- pgshift-ignore contract-still-referenced: <why>.");
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
