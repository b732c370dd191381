// An UPDATE or DELETE over many rows of an existing table in the same transaction as DDL on it.
#include "rules/analysis/targeted_rows.h"
#include "rules/rule.h"
#include "rules/rule_helpers.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "backfill-in-ddl-transaction",
    .summary =
        "A backfill (UPDATE or DELETE that is not targeted at a few keys) in the same transaction "
        "as DDL on its table",
    .rationale =
        "The DDL's lock (ACCESS EXCLUSIVE for ADD COLUMN and most ALTER TABLE) is held until the "
        "transaction ends, so a backfill after it runs with the table closed to reads and writes "
        "for as long as it takes to touch every row, and every row it touches stays locked too. "
        "Commit the DDL first and backfill in short batches, each its own transaction (pgshift "
        "run does this, resumably). An UPDATE targeted at a few keys (WHERE id = ... or id IN "
        "(...)) is not a backfill.",
    .bad =
        "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
    .good =
        "ALTER TABLE users ADD COLUMN plan text;\n"
        "-- then, batch by batch, each in its own transaction:\n"
        "UPDATE users SET plan = 'free' WHERE id = 1;",
    .severity = Severity::kError,
};

bool IsDml(Form form) {
  return form == Form::kInsert || form == Form::kUpdate || form == Form::kDelete ||
         form == Form::kUpdateWithoutWhere || form == Form::kDeleteWithoutWhere;
}

void Check(const StatementContext& ctx, Reporter& report) {
  if (!ctx.transaction().in_block || ctx.node() == nullptr) return;
  const parser::Node* where = nullptr;
  if (ctx.Is(PG_QUERY__NODE__NODE_UPDATE_STMT))
    where = ctx.node()->update_stmt->where_clause;
  else if (ctx.Is(PG_QUERY__NODE__NODE_DELETE_STMT))
    where = ctx.node()->delete_stmt->where_clause;
  else
    return;
  for (const TableLock& lock : ctx.facts.LocksWithFile(ctx.index)) {
    if (lock.new_table || !IsDml(lock.form) || TargetsFewRows(where, ctx.catalog.FindTable(lock.table)))
      continue;
    // DDL on the same table earlier in the transaction.
    for (std::size_t i = TransactionStart(ctx.facts.transactions, ctx.index); i < ctx.index; ++i) {
      for (const TableLock& ddl : ctx.facts.LocksWithFile(i)) {
        if (ddl.new_table || IsDml(ddl.form) || !ddl.table.Matches(lock.table) ||
            !BlocksWrites(ddl.mode))
          continue;
        const std::string line = std::to_string(ctx.facts.lines[i]);
        const std::string mode(LockModeName(ddl.mode));
        // The lock this statement keeps is the earlier one's; its own work is the rows it writes.
        report.Add(
            "This backfill of " + SqlName(lock.table) + " runs in the transaction that " +
                (ddl.form == Form::kLockTable ? "locked" : "changed") + " it at line " + line +
                ", so " + mode + " stays held until every row is done",
            "Commit the DDL first, then backfill in short batches, each in its own transaction "
            "(pgshift run: a backfill stage, resumable, with a batch size and pauses).",
            "holds " + mode + " on " + TableLabel(ddl) + " since line " + line + ", " +
                std::string(WhatItBlocks(ddl.mode)) + ", while it writes every row");
        return;
      }
    }
  }
}

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, Check);
}  // namespace pgshift::rules
