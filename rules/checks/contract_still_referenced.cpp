// A dropped or renamed table or column that application code at the release's head still uses.
#include "rules/analysis/schema_changes.h"
#include "rules/history/contract_evidence.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "contract-still-referenced",
    .summary = "DROP or RENAME of a table or column that application code still uses",
    .rationale =
        "If the application code shipped with the release still uses the table or column a "
        "migration drops or renames, the new version fails as soon as it runs that code. "
        "pgshift reads the application files at the release's head as the database sees names: "
        "SQL in strings and query files, and ORM model definitions (Prisma, Go struct tags, "
        "Django, ActiveRecord, SQLAlchemy, TypeORM, ent); a column counts only where its table "
        "is named or mapped too. Comments, documentation, tests, generated, vendored and binary "
        "files are no evidence. The finding cites the strongest use and says how many more.",
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
    const evidence::Evidence uses = UsesOf(*release->head_code, change);
    if (uses.empty()) continue;
    std::string list;
    for (const evidence::CodeUse& use : uses.strongest) {
      list += "\n  " + use.Place() + ": " + use.how;
    }
    report.Add("This migration " + change.Describe() + ", but application code still uses " +
                   change.Name() + " at " + Cite(uses),
               "Remove every use and ship that code in an earlier release:" + list +
                   "\nIf a use is something else with the same name, exclude its path with "
                   "[release] exclude in pgshift.toml, or suppress the finding with "
                   "-- pgshift-ignore contract-still-referenced: <why>.");
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
