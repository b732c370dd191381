// VACUUM FULL, CLUSTER, SET LOGGED / UNLOGGED, SET ACCESS METHOD, SET TABLESPACE on an existing
// table: a full copy of the table under ACCESS EXCLUSIVE.
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "table-rewriting-command",
    .summary =
        "VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, SET ACCESS METHOD or SET TABLESPACE on an "
        "existing table",
    .rationale =
        "Each of these writes a complete new copy of the table and its indexes while holding "
        "ACCESS EXCLUSIVE: no reads, no writes, for as long as copying the whole table takes "
        "(checked against PostgreSQL 15 by relfilenode). None belongs in a deploy. To reclaim "
        "space or reorder rows online use pg_repack or pg_squeeze; to move a table to another "
        "tablespace, pg_repack --tablespace; plain VACUUM does not block.",
    .bad = "VACUUM FULL orders;",
    .good = "VACUUM (ANALYZE) orders;",
    .severity = Severity::kError,
};

std::string_view Advice(Form form) {
  switch (form) {
    case Form::kVacuumFull:
      return "Use plain VACUUM (it does not block), or pg_repack / pg_squeeze to reclaim space "
             "online.";
    case Form::kCluster:
      return "Use pg_repack --order-by to reorder the table online.";
    case Form::kSetTablespace:
      return "Use pg_repack --tablespace to move it online.";
    case Form::kSetLoggedUnlogged:
      return "There is no online form: run it in a maintenance window, or copy into a new table "
             "and switch.";
    default:
      return "There is no online form: copy into a new table, keep it in step, and switch.";
  }
}

std::string_view Name(Form form) {
  switch (form) {
    case Form::kVacuumFull:
      return "VACUUM FULL";
    case Form::kCluster:
      return "CLUSTER";
    case Form::kSetTablespace:
      return "SET TABLESPACE";
    case Form::kSetLoggedUnlogged:
      return "SET LOGGED/UNLOGGED";
    case Form::kSetAccessMethod:
      return "SET ACCESS METHOD";
    default:
      return "";
  }
}

void Check(const StatementContext& ctx, Reporter& report) {
  for (const TableLock& lock : ctx.locks()) {
    if (Name(lock.form).empty() || lock.new_table) continue;
    report.Add(std::string(Name(lock.form)) + " rewrites " + SqlName(lock.table) +
                   " under ACCESS EXCLUSIVE, blocking reads and writes until the copy is done",
               std::string(Advice(lock.form)), LockText(ctx, lock.table), lock.location);
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
