// In one transaction, a statement that scans or rewrites a table while an ACCESS EXCLUSIVE lock
// taken earlier is still held.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "work-after-access-exclusive",
    .summary =
        "A scan or rewrite later in a transaction that already holds ACCESS EXCLUSIVE on an "
        "existing table",
    .rationale =
        "Locks are held until the transaction ends. Once a statement has taken ACCESS EXCLUSIVE "
        "on a table (even an instant ADD COLUMN), every later statement of the same transaction "
        "runs with that table closed to reads and writes: an index build, a validation or a "
        "rewrite of any table there keeps it closed for minutes. This includes the transaction "
        "a migration tool wraps around the whole file. Commit the ACCESS EXCLUSIVE step on its "
        "own, or move the long step to a migration of its own. Reported once per transaction, at "
        "the first long statement, and not on a statement that itself takes ACCESS EXCLUSIVE, "
        "or scans the table held, and that a lock, scan or rewrite rule already reports: one "
        "hazard, one finding. A table the transaction dropped is drop-table's.",
    .bad =
        "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;",
    .good =
        "ALTER TABLE users ADD COLUMN nickname text;\n"
        "-- in a transaction of its own:\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
    .severity = Severity::kWarning,
    .defers_to_other_findings = true,
};

bool IsDml(Form form) {
  return form == Form::kInsert || form == Form::kUpdate || form == Form::kDelete ||
         form == Form::kUpdateWithoutWhere || form == Form::kDeleteWithoutWhere;
}

// The long work a statement does on an existing table (DML is backfill-in-ddl-transaction's).
const TableLock* LongWork(const std::vector<TableLock>& locks) {
  const TableLock* work = nullptr;
  for (const TableLock& lock : locks) {
    if (!lock.new_table && lock.work >= TableWork::kScan && !IsDml(lock.form)) work = &lock;
  }
  return work;
}

// Reported once per transaction: at the first long statement after the first ACCESS EXCLUSIVE lock.
void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.transaction().in_block) return;
  const TableLock* work = LongWork(ctx.facts.LocksWithFile(ctx.index));
  if (work == nullptr) return;
  const std::size_t start = TransactionStart(ctx.facts.transactions, ctx.index);
  for (std::size_t i = start; i < ctx.index; ++i) {
    const TableLock* held = nullptr;
    for (const TableLock& lock : ctx.facts.LocksWithFile(i)) {
      // A dropped table is gone for the application whatever follows: drop-table says so.
      if (!lock.new_table && lock.mode == LockMode::kAccessExclusive &&
          lock.form != Form::kDropTable) {
        held = &lock;
      }
    }
    if (held == nullptr) continue;
    // An earlier long statement after the lock has been reported already.
    for (std::size_t k = i + 1; k < ctx.index; ++k) {
      if (LongWork(ctx.facts.LocksWithFile(k)) != nullptr) return;
    }
    report.Add(
        TableLabel(*held) + " is held in ACCESS EXCLUSIVE since line " +
            std::to_string(ctx.facts.lines[i]) + " while this statement " +
            std::string(TableWorkName(work->work)) + " " + TableLabel(*work) +
            ": reads and writes of " + TableLabel(*held) + " wait for it",
        "Commit after the ACCESS EXCLUSIVE step and run this one in a transaction of its own "
        "(with a per-file migration tool: a migration of its own).",
        LockText(ctx, work->table));
    return;
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
