// A drop or rename shipped in the same release as application changes: the version still running
// during the deploy is the one that used the old shape.
#include "rules/analysis/schema_changes.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "contract-with-code-change",
    .summary =
        "DROP or RENAME of a table or column in a release that also changes application code",
    .rationale =
        "While a release deploys, the previous application version keeps serving traffic "
        "against the migrated schema. When the same release changes application code and "
        "drops or renames what that code used, the previous version is the one still using "
        "it: its queries fail from the moment the migration commits until the last old "
        "instance is gone, and rolling the code back cannot help. Ship the code change first "
        "and the drop or rename a release later.",
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

void Check(const StatementContext& ctx, Reporter& report) {
  const ReleaseFacts* release = ctx.settings.release.get();
  if (release == nullptr || release->code_changes.empty()) return;
  for (const SchemaChange& change : ContractChanges(ctx.file, ctx.index, ctx.catalog)) {
    report.Add("This migration " + change.Describe() + " in release " + release->range +
                   ", which also changes application code (" +
                   CodeChangesText(release->code_changes) +
                   "): the version still running during the deploy may use it",
               "Ship the application change without this migration, and move the migration to "
               "the next release, once no running version uses " +
                   change.What() + ".");
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
