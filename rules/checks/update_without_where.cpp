// UPDATE without WHERE on an existing table: one long transaction over every row.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "update-without-where",
    .summary = "UPDATE without WHERE on an existing table",
    .rationale =
        "An UPDATE with no WHERE rewrites every row of a live table in one transaction: each row "
        "stays locked until it commits, so the application's writes to any of them wait; the "
        "table doubles in size until vacuum catches up; replicas fall behind; and if it fails "
        "near the end, all of it rolls back. It also overwrites every value, which a migration "
        "rarely means. Backfill in batches instead, each a short transaction, as `pgshift run` "
        "does with a backfill stage. On a table known to hold a handful of rows (a settings "
        "row) the statement is harmless: say so with a suppression.",
    .bad = "UPDATE users SET email_verified = false;",
    .good =
        "-- plan.toml, run by pgshift run in keyset batches:\n"
        "-- [[stage]]\n"
        "-- phase = \"backfill\"\n"
        "-- backfill = { table = \"users\", set = \"email_verified = false\", "
        "where = \"email_verified IS NULL\" }\n"
        "UPDATE users SET email_verified = false WHERE id BETWEEN 1 AND 10000 AND email_verified "
        "IS NULL;",
    .severity = Severity::kWarning,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_UPDATE_STMT)) return;
  const auto& update = *ctx.node()->update_stmt;
  if (update.where_clause != nullptr || update.relation == nullptr) return;
  const parser::QualifiedName table = parser::NameOf(update.relation);
  if (ctx.IsNew(table)) return;
  // The SET list as written, for the backfill stage in the help (a TOML string).
  std::string set = "<column> = <value>";
  const int begin = update.n_target_list > 0 ? parser::LocationOf(update.target_list[0]) : -1;
  if (begin >= 0 && static_cast<std::size_t>(begin) < ctx.statement().text.size() &&
      update.n_from_clause == 0 && update.n_returning_list == 0) {
    set.clear();
    for (const char c : ctx.statement().text.substr(begin)) {
      if (c == '"' || c == '\\') set += '\\';
      set += c == '\n' ? ' ' : c;
    }
  }
  const std::string t = table.ToString();
  report.Add("UPDATE without WHERE rewrites every row of " + t +
                 " in one long transaction, locking each row until it commits",
             "Backfill in batches with pgshift run (keyset batches over the primary key, "
             "resumable):\n"
             "  [[stage]]\n"
             "  phase = \"backfill\"\n"
             "  backfill = { table = \"" +
                 t + "\", set = \"" + set + "\", where = \"<rows not yet done>\" }",
             LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
