// CREATE INDEX without CONCURRENTLY on an existing table: SHARE lock, writes blocked for the
// whole build.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "non-concurrent-index-creation",
    .summary = "CREATE INDEX without CONCURRENTLY on an existing table",
    .rationale =
        "A plain CREATE INDEX takes a SHARE lock on the table for the whole build: every INSERT, "
        "UPDATE and DELETE waits until the index is built, which on a large table is minutes. "
        "CREATE INDEX CONCURRENTLY builds it while writes go on, at the cost of two table scans, "
        "and must run outside a transaction block.",
    .bad = "CREATE INDEX users_email_idx ON users (email);",
    .good = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_INDEX_STMT)) return;
  const auto& index = *ctx.node()->index_stmt;
  const parser::QualifiedName table = parser::NameOf(index.relation);
  if (index.concurrent || ctx.IsNew(table)) return;
  const std::string safe = InsertAfterKeyword(ctx.statement().text, "INDEX", "CONCURRENTLY");
  report.Add("CREATE INDEX on existing table " + table.ToString() +
                 " without CONCURRENTLY blocks writes for the whole build",
             "Build it concurrently, outside a transaction block:\n  " +
                 (safe.empty() ? std::string("CREATE INDEX CONCURRENTLY ...") : safe) + ";",
             LockText(ctx, table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
