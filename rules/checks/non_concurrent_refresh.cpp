// REFRESH MATERIALIZED VIEW without CONCURRENTLY: readers of the view wait for the whole refresh.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "non-concurrent-refresh",
    .summary = "REFRESH MATERIALIZED VIEW without CONCURRENTLY on an existing view",
    .rationale =
        "A plain refresh rewrites the materialized view under ACCESS EXCLUSIVE: every query "
        "that reads it waits until the refresh ends. REFRESH MATERIALIZED VIEW CONCURRENTLY "
        "builds the new contents aside and merges them under EXCLUSIVE, which lets reads go "
        "on; it needs a unique index on the view (without a WHERE clause) and a view that has "
        "been populated.",
    .bad = "REFRESH MATERIALIZED VIEW daily_totals;",
    .good =
        "CREATE UNIQUE INDEX CONCURRENTLY daily_totals_day_key ON daily_totals (day);\n"
        "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT)) return;
  const auto& refresh = *ctx.node()->refresh_mat_view_stmt;
  const parser::QualifiedName view = parser::NameOf(refresh.relation);
  // WITH NO DATA empties the view without running its query.
  if (refresh.concurrent || refresh.skip_data || ctx.IsNew(view)) return;
  report.Add("REFRESH MATERIALIZED VIEW " + SqlName(view) +
                 " blocks every read of it until the refresh ends",
             "Refresh it concurrently (the view needs a unique index):\n  REFRESH MATERIALIZED "
             "VIEW CONCURRENTLY " +
                 SqlName(view) + ";",
             LockText(ctx, view));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
