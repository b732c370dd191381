// ACCESS EXCLUSIVE on more than one existing table in one transaction.
#include <algorithm>

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
        "transaction, or take the locks in a fixed order with a short lock_timeout. Reported "
        "once per transaction, where the second table is taken.",
    .bad =
        "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note "
        "text;\nCOMMIT;",
    .good = "ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;",
    .severity = Severity::kWarning,
};

// The existing tables held in ACCESS EXCLUSIVE by statements [start, end), in order taken.
// A lock that counts: ACCESS EXCLUSIVE on an existing table whose identity is known (not only an
// index of it, which may belong to a table already counted).
bool Counts(const TableLock& lock) {
  return !lock.new_table && !lock.named_by_index && lock.mode == LockMode::kAccessExclusive;
}

std::vector<std::pair<parser::QualifiedName, std::size_t>> HeldExclusively(
    const StatementContext& ctx, std::size_t start, std::size_t end) {
  std::vector<std::pair<parser::QualifiedName, std::size_t>> held;
  for (std::size_t i = start; i < end; ++i) {
    for (const TableLock& lock : ctx.facts.LocksWithFile(i)) {
      if (!Counts(lock)) continue;
      const bool known = std::any_of(held.begin(), held.end(),
                                     [&](const auto& h) { return h.first.Matches(lock.table); });
      if (!known) held.emplace_back(lock.table, i);
    }
  }
  return held;
}

// Reported once per transaction, where the second table is taken.
void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.transaction().in_block) return;
  const std::size_t start = TransactionStart(ctx.facts.transactions, ctx.index);
  const auto before = HeldExclusively(ctx, start, ctx.index);
  if (before.size() != 1) return;
  for (const TableLock& lock : ctx.facts.LocksWithFile(ctx.index)) {
    if (!Counts(lock) || before[0].first.Matches(lock.table)) continue;
    report.Add("This transaction already holds ACCESS EXCLUSIVE on " + SqlName(before[0].first) +
                   " (line " + std::to_string(ctx.facts.lines[before[0].second]) +
                   ") and now takes it on " + SqlName(lock.table) +
                   ": both stay closed until COMMIT, and the order invites deadlocks",
               "Change one table per transaction (with a per-file migration tool, one table per "
               "migration), or keep the lock order fixed everywhere and set a short lock_timeout.",
               LockText(ctx, lock.table), lock.location);
    return;
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
