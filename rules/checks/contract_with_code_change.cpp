// A drop or rename of what the application version still running during the deploy (the
// release's base) uses, shipped in the release whose code stops using it.
#include "rules/analysis/schema_changes.h"
#include "rules/history/contract_evidence.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "contract-with-code-change",
    .summary =
        "DROP or RENAME of a table or column that the version running during the deploy "
        "still uses",
    .rationale =
        "While a release deploys, the previous application version keeps serving traffic "
        "against the migrated schema. When that version (the code at the release's base) uses "
        "what a migration of the release drops or renames, its queries fail from the moment the "
        "migration commits until the last old instance is gone, and rolling the code back "
        "cannot help. Ship the code change first and the drop or rename a release later. "
        "pgshift reads the base's code from git (--release BASE..HEAD), as it reads the head's "
        "for contract-still-referenced; it is quiet, and -v says why, when the base no longer "
        "used the object or when the release itself added it. With --changed-files the base's "
        "code is not known, and any application change in the release counts.",
    .bad = "ALTER TABLE users DROP COLUMN legacy_flag;",
    .good =
        "-- a release of migrations only, after the code stopped using legacy_flag\n"
        "ALTER TABLE users DROP COLUMN legacy_flag;",
    .severity = Severity::kError,
    .needs_release = true,
};

std::string CodeChangesText(const std::vector<std::string>& changes) {
  std::string text = changes.front();
  if (changes.size() == 2) text += " and 1 more file";
  if (changes.size() > 2) text += " and " + std::to_string(changes.size() - 1) + " more files";
  return text;
}

// Without the base's code (--changed-files): any application change in the release counts.
void CheckWithoutBase(const ReleaseFacts& release, const std::vector<SchemaChange>& changes,
                      Reporter& report) {
  if (release.code_changes.empty()) return;
  for (const SchemaChange& change : changes) {
    report.Add("This migration " + change.Describe() + " in release " + release.range +
                   ", which also changes application code (" +
                   CodeChangesText(release.code_changes) +
                   "): the version still running during the deploy may use it",
               "Ship the application change without this migration, and move the migration to "
               "the next release, once no running version uses " +
                   change.What() + ".");
  }
}

// The uses a finding cites, one a line: "(and N more)" in the message is then no mystery.
std::string UseList(const evidence::Evidence& uses) {
  std::string list;
  for (const evidence::CodeUse& use : uses.strongest) list += "\n  " + use.Place() + ": " + use.how;
  if (uses.total > uses.strongest.size()) {
    list += "\n  (" + std::to_string(uses.total - uses.strongest.size()) + " more)";
  }
  return list;
}

void Check(const StatementContext& ctx, Reporter& report) {
  const ReleaseFacts* release = ctx.settings.release.get();
  if (release == nullptr) return;
  std::vector<SchemaChange> of_new;
  const std::vector<SchemaChange> changes =
      ContractChanges(ctx.file, ctx.index, ctx.catalog, &of_new);
  if (!release->JudgesByEvidence()) {
    CheckWithoutBase(*release, changes, report);
    return;
  }
  for (const SchemaChange& change : of_new) {
    report.Note("quiet: " + change.What() +
                " is added in this release, so no running version uses it");
  }
  for (const SchemaChange& change : changes) {
    // The head still using it is contract-still-referenced's finding: one finding per hazard.
    if (!UsesOf(*release->head_code, change).empty()) continue;
    const evidence::Evidence uses = UsesOf(*release->base_code, change);
    if (uses.empty()) {
      report.Note("quiet: " + change.What() + ": the code at the release's base (" + release->base +
                  ") no longer uses it (the use went in an earlier release); " +
                  release->base_code->Summary());
      continue;
    }
    report.Add("This migration " + change.Describe() + " in release " + release->range +
                   ", but the version still running during the deploy (" + release->base +
                   ") uses " + change.Name() + " at " + Cite(uses),
               "Ship the application change that stops using " + change.What() +
                   " without this migration, and move the migration to the next release, once "
                   "no running version uses it. The uses at " + release->base + ":" +
                   UseList(uses) +
                   "\nIf a use is something else with the same name, exclude its path with "
                   "[release] exclude in pgshift.toml, or suppress the finding with -- "
                   "pgshift-ignore contract-with-code-change: <why>.");
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
