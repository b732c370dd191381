// ACCESS EXCLUSIVE on more than one existing table in one transaction.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "exclusive-lock-on-multiple-tables",
    .summary = "ACCESS EXCLUSIVE on several existing tables in one transaction",
    .rationale =
        "Each ACCESS EXCLUSIVE lock is held until the transaction ends, so the first table stays "
        "closed while the migration waits for the lock on the next one: the outage window is "
        "the sum of every wait, and two sessions taking the same tables in another order "
        "deadlock. The migration tool's per-file transaction counts. Change one table per "
        "transaction, or take the locks in a fixed order with a short lock_timeout.",
    .bad = "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    .good = "ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;",
    .severity = Severity::kWarning,
};

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.transaction().in_block) return;
  const std::size_t start = TransactionStart(ctx.facts.transactions, ctx.index);
  const auto held_before = [&](const parser::QualifiedName& table) -> std::optional<std::size_t> {
    for (std::size_t i = start; i < ctx.index; ++i) {
      for (const TableLock& lock : ctx.facts.locks[i]) {
        if (!lock.new_table && lock.mode == LockMode::kAccessExclusive && lock.table.Matches(table)) return i;
      }
    }
    return std::nullopt;
  };
  for (const TableLock& lock : ctx.locks()) {
    if (lock.new_table || lock.mode != LockMode::kAccessExclusive || held_before(lock.table)) continue;
    // Another table already held in ACCESS EXCLUSIVE by this transaction.
    for (std::size_t i = start; i < ctx.index; ++i) {
      for (const TableLock& other : ctx.facts.locks[i]) {
        if (other.new_table || other.mode != LockMode::kAccessExclusive || other.table.Matches(lock.table)) continue;
        report.Add("This transaction already holds ACCESS EXCLUSIVE on " + other.table.ToString() + " (line " +
                       std::to_string(ctx.facts.lines[i]) + ") and now takes it on " + lock.table.ToString() +
                       ": both stay closed until COMMIT, and the order invites deadlocks",
                   "Change one table per transaction (with a per-file migration tool, one table per "
                   "migration), or keep the lock order fixed everywhere and set a short lock_timeout.",
                   LockText(ctx, lock.table), lock.location);
        return;
      }
    }
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
