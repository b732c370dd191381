// A statement the PostgreSQL 15 parser rejects: reported where it stopped, and the rest of the
// file is still checked.
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "syntax-error",
    .summary = "A statement that does not parse as PostgreSQL 15 SQL",
    .rationale =
        "A statement that does not parse fails when the migration runs, and none of its hazards "
        "can be checked. Syntax newer than PostgreSQL 15 is reported here too: check it by hand "
        "or suppress the finding with a reason; one exception: a subquery in FROM without an "
        "alias, which PostgreSQL 16 accepts, is named as 16 names it and the statement analysed "
        "(`lint -v` says so). So is a statement too large or too deeply "
        "nested for pgshift to analyse (see max_memory in docs/configuration.md). Template "
        "placeholders such as `${schema}` and `{{ .Namespace }}` are not reported: they are read "
        "as the names they hold (docs/history-and-releases.md).",
    .bad = "ALTER TABLE users ADD COLUMN email text NOT NUL;",
    .good = "ALTER TABLE users ADD COLUMN email text;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  const auto& error = ctx.statement().error;
  if (!error) return;
  report.Add(error->message,
             error->help.empty() ? "Fix the statement so that PostgreSQL can parse it." : error->help,
             {},
             static_cast<int>(error->offset - ctx.statement().span.begin));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
