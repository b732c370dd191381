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
        "row) the statement is harmless: say so with a suppression. After DDL on the table in the "
        "same transaction, backfill-in-ddl-transaction reports the statement instead: one hazard, "
        "one finding.",
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
    .defers_to = "backfill-in-ddl-transaction",
};

// SQL text on one line for a TOML string: `--` comments dropped (on one line they would comment
// out everything after them), line breaks and runs of blanks as one space, quotes escaped.
std::string OneLine(std::string_view text) {
  std::string out;
  char quote = 0;  // the quote character we are inside, if any
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == 0 && c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      while (i < text.size() && text[i] != '\n') ++i;
      c = ' ';
    } else if (c == '\'' || c == '"') {
      quote = quote == 0 ? c : (quote == c ? 0 : quote);
    }
    if (quote == 0 && (c == '\n' || c == '\r' || c == '\t')) c = ' ';
    if (quote == 0 && c == ' ' && (out.empty() || out.back() == ' ')) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The first column the SET list both writes and reads (`flag = NOT flag`, `n = n + 1`), or "":
// applied twice, such a SET gives another result, so a retried batch would not be harmless.
std::string ColumnSetFromItself(const PgQuery__UpdateStmt& update) {
  for (std::size_t i = 0; i < update.n_target_list; ++i) {
    const parser::Node* item = update.target_list[i];
    if (item->node_case != PG_QUERY__NODE__NODE_RES_TARGET) continue;
    const std::string column(parser::Str(item->res_target->name));
    bool reads_itself = false;
    parser::VisitNodes(item->res_target->val, [&](const parser::Node& node) {
      if (node.node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
      const auto parts = parser::StringList(node.column_ref->fields, node.column_ref->n_fields);
      reads_itself |= !parts.empty() && parts.back() == column;
    });
    if (reads_itself) return column;
  }
  return "";
}

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
    set = OneLine(std::string_view(ctx.statement().text).substr(begin));
  }
  const std::string t = SqlName(table);
  const std::string message = "UPDATE without WHERE rewrites every row of " + t +
                              " in one long transaction, locking each row until it commits";
  const std::string itself = ColumnSetFromItself(update);
  if (!itself.empty()) {
    // Batches are retried after a failure or a kill: this SET must not run twice on a row.
    report.Add(message + "; its SET reads " + itself +
                   ", the column it writes, so a retried batch would apply it twice",
               "Make the change idempotent before batching it: write the result to a new column "
               "and pick the rows not yet done by it (SET " + itself + "_new = <expression of " +
                   itself + "> WHERE " + itself +
                   "_new IS NULL), then switch to the new column; or mark each row done in the "
                   "same UPDATE and select only rows not yet marked. Then backfill in batches with "
                   "pgshift run (a backfill stage with that SET and WHERE).",
               LockText(ctx, table));
    return;
  }
  report.Add(message,
             "Backfill in batches with pgshift run (keyset batches over the primary key, "
             "resumable):\n"
             "  [[stage]]\n"
             "  phase = \"backfill\"\n"
             "  backfill = { table = \"" +
                 // A plan names its table as written, and quotes it itself (docs/plan-format.md).
                 table.ToString() + "\", set = \"" + set + "\", where = \"<rows not yet done>\" }",
             LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
