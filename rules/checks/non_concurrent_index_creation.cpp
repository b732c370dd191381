// CREATE INDEX without CONCURRENTLY on an existing table: SHARE lock, writes blocked for the
// whole build.
#include <algorithm>

#include "rules/fix_edits.h"
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
        "and must run outside a transaction block. A statement that builds nothing stays quiet: "
        "IF NOT EXISTS of an index the table already has, and ON ONLY a partitioned table.",
    .bad = "CREATE INDEX users_email_idx ON users (email);",
    .good = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    .severity = Severity::kError,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.Is(PG_QUERY__NODE__NODE_INDEX_STMT)) return;
  const auto& index = *ctx.node()->index_stmt;
  const parser::QualifiedName table = parser::NameOf(index.relation);
  if (index.concurrent || ctx.IsNew(table)) return;
  // IF NOT EXISTS of an index the table has, or ON ONLY a partitioned parent: nothing is built,
  // and the lock is as brief as any other (the lock model says which).
  const std::vector<TableLock>& locks = ctx.locks();
  if (std::none_of(locks.begin(), locks.end(),
                   [](const TableLock& l) { return l.work == TableWork::kScan; })) {
    return;
  }
  const std::optional<Edit> edit =
      InsertAfterToken(ctx.statement(), PG_QUERY__TOKEN__INDEX, "CONCURRENTLY");
  const std::string safe =
      edit ? StatementWith(ctx.statement(), *edit) : "CREATE INDEX CONCURRENTLY ...";
  const CatalogTable* known = ctx.catalog.FindTable(table);
  const bool partitioned = known != nullptr && known->partitioned && index.relation->inh;
  // Flyway runs a script of concurrent index builds and drops outside a transaction by itself.
  const bool leaves_transaction = ConcurrentlyTakesFileOutOfTransaction(ctx);
  const bool in_block = ctx.transaction().in_block && !leaves_transaction;
  std::string help;
  if (partitioned) {
    help = "A partitioned table cannot be indexed concurrently: create the index ON ONLY " +
           SqlName(table) +
           " (instant, invalid), build each partition's index CONCURRENTLY, "
           "then ALTER INDEX ... ATTACH PARTITION each one.";
  } else if (in_block) {
    help = "Build it concurrently, in a migration of its own outside any transaction block:\n  " +
           safe + ";\n" + OutsideTransactionAdvice(ctx);
  } else if (leaves_transaction) {
    help = "Build it concurrently" + std::string(kFixDoesThis) + ":\n  " + safe +
           ";\nIts migration tool (" + ctx.settings.migration_tool + ")" +
           " runs a script whose every statement is a concurrent index build or drop outside a "
           "transaction.";
  } else {
    help = "Build it concurrently" + std::string(kFixDoesThis) + ":\n  " + safe + ";";
  }
  // Earlier in the transaction the table was closed to reads too, and stays so through the build.
  const std::optional<std::size_t> closed = ctx.facts.AccessExclusiveSince(ctx.index, table);
  const std::string blocks =
      closed ? "blocks reads and writes for the whole build (this transaction holds ACCESS "
               "EXCLUSIVE on it since line " +
                   std::to_string(ctx.facts.lines[*closed]) + ")"
             : "blocks writes for the whole build";
  Report& r = report.Add(
      "CREATE INDEX on existing table " + SqlName(table) + " without CONCURRENTLY " + blocks, help,
      LockText(ctx, table));
  // Exact only where CONCURRENTLY can run: outside a transaction block, not on a partitioned
  // parent.
  if (edit && !partitioned && !in_block) r.fix = {*edit};
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
