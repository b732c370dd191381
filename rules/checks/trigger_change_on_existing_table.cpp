// CREATE / DROP / ENABLE / DISABLE TRIGGER on an existing table: a write-blocking lock.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "trigger-change-on-existing-table",
    .summary = "CREATE, DROP, ENABLE or DISABLE TRIGGER on an existing table",
    .rationale =
        "CREATE TRIGGER and ENABLE/DISABLE TRIGGER take SHARE ROW EXCLUSIVE (writes wait); DROP "
        "TRIGGER takes ACCESS EXCLUSIVE (reads wait too; checked against PostgreSQL 15). The "
        "change itself is instant, but the lock request queues behind running queries and "
        "everything after it queues behind the request. Set a short lock_timeout and retry: "
        "with one in effect (or set by pgshift run) this rule is quiet. On the statement where "
        "missing-lock-timeout reports the file's missing lock_timeout, that finding says it for "
        "both. DISABLE TRIGGER ALL also switches off foreign key enforcement on the table.",
    .bad =
        "-- (missing-lock-timeout reports the first; this rule each one after it)\n"
        "CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION "
        "audit();\n"
        "CREATE TRIGGER orders_stamp BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION "
        "stamp();",
    .good =
        "SET lock_timeout = '2s';\n"
        "CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();",
    .severity = Severity::kWarning,
    .defers_to = "missing-lock-timeout",
};

void Check(const StatementContext& ctx, Reporter& report) {
  // With a lock_timeout in effect the wait is bounded, and the change itself is instant.
  const auto& lock_timeout = ctx.facts.timeouts[ctx.index].lock_timeout;
  if (lock_timeout && (lock_timeout->by_tool || lock_timeout->milliseconds > 0)) return;
  for (const TableLock& lock : ctx.locks()) {
    if (lock.new_table) continue;
    std::string what;
    if (lock.form == Form::kCreateTrigger) what = "CREATE TRIGGER";
    if (lock.form == Form::kDropTrigger) what = "DROP TRIGGER";
    if (lock.form == Form::kEnableDisableTrigger) what = "ENABLE/DISABLE TRIGGER";
    if (what.empty()) continue;
    report.Add(what + " on " + SqlName(lock.table) + " takes " +
                   std::string(LockModeName(lock.mode)) + ", " +
                   std::string(WhatItBlocks(lock.mode)) +
                   " while it waits for running queries, with no lock_timeout",
               "Bound the wait: SET lock_timeout = '2s' before it (and retry on timeout), in a "
               "short transaction.",
               LockText(ctx, lock.table), lock.location);
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
