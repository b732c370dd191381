// lock_timeout or statement_timeout set to 0 (no limit) or to something absurdly long before a
// statement that blocks reads or writes on an existing table.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr long kLockTimeoutLimitMs = 60 * 1000;  // a DDL lock wait longer than a minute
constexpr long kStatementTimeoutLimitMs =
    60 * 60 * 1000;  // a blocking statement longer than an hour

constexpr RuleDoc kDoc{
    .id = "excessive-timeout",
    .summary =
        "lock_timeout set to 0 or over a minute, or statement_timeout to 0 or over an hour, before "
        "a blocking statement",
    .rationale =
        "lock_timeout = 0 means no limit: a DDL statement may wait for its lock indefinitely "
        "while every query on the table queues behind it. A lock_timeout of minutes does the "
        "same damage more slowly. statement_timeout = 0 lets a blocking statement hold its "
        "lock for as long as it runs. Turning the limits off is fine before CONCURRENTLY "
        "builds, which block nobody: this rule only reports a setting that a later statement "
        "taking a write-blocking lock on an existing table runs under. Mind the unit: a bare "
        "number is milliseconds.",
    .bad = "SET lock_timeout = 0;\nALTER TABLE users ADD COLUMN nickname text;",
    .good = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
    .severity = Severity::kWarning,
};

std::string Duration(long ms) {
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "min";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// Reports the setting at the first blocking statement that runs under it.
void Judge(const StatementContext& ctx, Reporter& report, const std::optional<TimeoutValue>& value,
           std::string_view name, long limit, const TableLock& lock) {
  if (!value || value->by_tool || (value->milliseconds != 0 && value->milliseconds <= limit)) return;
  for (std::size_t i = value->statement + 1; i < ctx.index; ++i) {
    if (BlockingLock(ctx.facts.LocksWithFile(i)) != nullptr) return;
  }
  const std::string setting =
      value->milliseconds == 0
          ? std::string(name) + " = 0 turns the limit off"
          : std::string(name) + " = " + Duration(value->milliseconds) + " is far too long";
  report.AddAt(
      value->statement,
      setting + ", and a later statement takes " + std::string(LockModeName(lock.mode)) + " on " +
          TableLabel(lock) + " under it",
      name == "lock_timeout"
          ? "Use a few seconds and retry on timeout:\n  SET lock_timeout = '2s';"
          : "Bound the blocking statement: SET statement_timeout = '15min' (or what the "
            "table's size needs) before it; lift the limit only around CONCURRENTLY builds.",
      DescribeLock(lock));
}

void Check(const StatementContext& ctx, Reporter& report) {
  const TableLock* lock = BlockingLock(ctx.facts.LocksWithFile(ctx.index));
  if (lock == nullptr) return;
  const TimeoutsInEffect& in_effect = ctx.facts.timeouts[ctx.index];
  Judge(ctx, report, in_effect.lock_timeout, "lock_timeout", kLockTimeoutLimitMs, *lock);
  Judge(ctx, report, in_effect.statement_timeout, "statement_timeout", kStatementTimeoutLimitMs,
        *lock);
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
