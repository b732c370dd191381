// An explicit LOCK TABLE in a migration, in a mode that blocks writes.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "lock-table",
    .summary = "LOCK TABLE on an existing table in a mode that blocks writes (SHARE or stronger)",
    .rationale =
        "An explicit LOCK TABLE holds its lock until the transaction ends, so everything the "
        "migration does after it runs with the table blocked; in ACCESS EXCLUSIVE mode (the "
        "default) even reads wait. It is sometimes the right tool, to take locks in a fixed "
        "order and avoid a deadlock: then keep the transaction short, set lock_timeout, and say "
        "why with a suppression.",
    .bad =
        "BEGIN;\nLOCK TABLE accounts;\nUPDATE accounts SET plan = 'free' WHERE plan IS "
        "NULL;\nCOMMIT;",
    .good = "UPDATE accounts SET plan = 'free' WHERE id BETWEEN 1 AND 10000 AND plan IS NULL;",
    .severity = Severity::kWarning,
};

void Check(const StatementContext& ctx, Reporter& report) {
  for (const TableLock& lock : ctx.locks()) {
    if (lock.form != Form::kLockTable || lock.new_table || !BlocksWrites(lock.mode)) continue;
    report.Add(
        "LOCK TABLE " + SqlName(lock.table) + " takes " + std::string(LockModeName(lock.mode)) +
            " until the transaction ends, " + std::string(WhatItBlocks(lock.mode)),
        "Let each statement take the lock it needs, in short transactions; if the lock order "
        "matters, keep it, set lock_timeout first, and suppress this with the reason.",
        LockText(ctx, lock.table), lock.location);
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
