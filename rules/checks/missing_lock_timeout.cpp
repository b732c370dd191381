// The first statement that takes a write-blocking lock on an existing table, with no lock_timeout
// set before it in the file.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "missing-lock-timeout",
    .summary =
        "A lock that blocks reads or writes on an existing table, with no lock_timeout set before "
        "it in the file",
    .rationale =
        "A DDL statement waits for its lock behind every running query on the table, and every "
        "query that arrives meanwhile waits behind the DDL: one slow report turns a millisecond "
        "ALTER into an outage. lock_timeout bounds that wait; the migration fails fast and can "
        "be retried. Reported once per file, at the first statement that needs it. Teams that "
        "set lock_timeout on the migration role or connection turn this rule off "
        "(`[rules] disable = [\"missing-lock-timeout\"]`).",
    .bad = "ALTER TABLE users ADD COLUMN nickname text;",
    .good = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
    .severity = Severity::kWarning,
};

// Who queues behind a waiting lock request: what the mode conflicts with. Plain reads take ACCESS
// SHARE, which only ACCESS EXCLUSIVE blocks, so they pass a waiting SHARE lock.
std::string_view WhoWaits(LockMode mode) {
  switch (mode) {
    case LockMode::kAccessExclusive:
      return "every query on the table waits behind it";
    case LockMode::kExclusive:
      return "every write and SELECT FOR UPDATE on the table waits behind it";
    default:
      return "every write to the table waits behind it (reads go on)";
  }
}

void Check(const StatementContext& ctx, Reporter& report) {
  const TableLock* lock = BlockingLock(ctx.facts.LocksWithFile(ctx.index));
  if (lock == nullptr || ctx.facts.timeouts[ctx.index].lock_timeout) return;
  // Only the first such statement of the file: the fix goes before it.
  for (std::size_t i = 0; i < ctx.index; ++i) {
    if (BlockingLock(ctx.facts.LocksWithFile(i)) != nullptr) return;
  }
  report.Add(
      "No lock_timeout is set before this statement, which takes " +
          std::string(LockModeName(lock->mode)) + " on " + TableLabel(*lock) + ": if it waits, " +
          std::string(WhoWaits(lock->mode)),
      // A DO block runs in its own transaction unless the file opened one: the timeout goes
      // before the block, as before any other statement.
      std::string(ctx.facts.transactions[ctx.file.TopLevelOf(ctx.index)].in_block
                      ? "Set one at the start of the transaction:\n  SET LOCAL lock_timeout = '2s';"
                      : "Set one at the top of the file:\n  SET lock_timeout = '2s';") +
          "\nand retry the migration when it times out. If the role or connection sets it, turn "
          "this rule off.",
      LockText(ctx, lock->table));
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
