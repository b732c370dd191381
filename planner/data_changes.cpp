// Data changes: an UPDATE becomes a batched backfill, a DELETE of many rows a batched delete; an
// INSERT (or a DELETE) on a table the migration creates joins its creation; an INSERT ... SELECT
// from another table goes to copy_rows.cpp.
#include "parser/deparse.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"
#include "rules/analysis/targeted_rows.h"

namespace pgshift::planner {

using rules::Phase;

void Planner::Update(const PgQuery__UpdateStmt* update) {
  const parser::QualifiedName table = parser::NameOf(update->relation);
  if (update->n_from_clause > 0 || update->n_returning_list > 0 ||
      update->with_clause != nullptr) {
    return Unsafe(
        "an UPDATE with FROM, RETURNING or WITH cannot be a batched backfill; "
        "write it as SET expressions over the table's own row");
  }
  std::string set;
  bool all_new = true;
  std::vector<std::string> filled;
  for (std::size_t i = 0; i < update->n_target_list; ++i) {
    const auto* target = update->target_list[i]->res_target;
    const auto value = parser::DeparseExpression(target->val);
    if (target->n_indirection > 0 || !value ||
        target->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
      return Unsafe("a SET target pgshift plan new cannot carry into a backfill");
    }
    const std::string column(parser::Str(target->name));
    set += (set.empty() ? "" : ", ") + Q(column) + " = " + *value;
    filled.push_back(table.ToString() + "." + column);
    if (added_.count(table.ToString() + "." + column) == 0) all_new = false;
  }
  std::string where;
  if (update->where_clause != nullptr) {
    const auto condition = parser::DeparseExpression(update->where_clause);
    if (!condition) return Unsafe("the WHERE clause could not be rewritten (deparse failed)");
    where = *condition;
  }
  for (const std::string& key : filled) needs_value_.erase(key);
  PlannedStage& stage = Add(Phase::kBackfill, "backfill-" + table.name);
  stage.comment = {
      "In short batches over the primary key (or name one with `key`), each its own",
      "transaction, up to the largest key at the start: deploy before it the release that",
      "writes these columns itself, so that rows written from then on are complete."};
  if (!all_new) {
    stage.comment.push_back(
        "The values it overwrites are not kept: the rollback cannot restore them.");
  }
  stage.backfill = Backfill{BackfillTable(table), set, where};
}

// A DELETE of many rows becomes a batched delete, walked over the key as an UPDATE's backfill
// is: one long DELETE would hold its row locks, and bloat the table, in one transaction. A DELETE
// of a few rows by key runs as written. Either way the rows are gone: the stage is irreversible.
void Planner::Delete(const PgQuery__DeleteStmt* remove) {
  const parser::QualifiedName table = parser::NameOf(remove->relation);
  if (IsNew(table)) return JoinCreation(table);
  if (remove->n_using_clause > 0 || remove->n_returning_list > 0 ||
      remove->with_clause != nullptr) {
    return Unsafe(
        "a DELETE with USING, RETURNING or WITH cannot be a batched delete; write its "
        "condition over the table's own row (WHERE ... IN (SELECT ...) if it needs another "
        "table)");
  }
  if (rules::TargetsFewRows(remove->where_clause, catalog_.FindTable(table))) {
    PlannedStage& stage = Add(Phase::kBackfill, "delete-" + table.name);
    stage.comment = {"A few rows by key, as written: a short transaction.",
                     "The rows are gone for good: the rollback cannot bring them back."};
    stage.sql.push_back(Text());
    stage.irreversible = true;
    return;
  }
  std::string where;
  if (remove->where_clause != nullptr) {
    const auto condition = parser::DeparseExpression(remove->where_clause);
    if (!condition) return Unsafe("the WHERE clause could not be rewritten (deparse failed)");
    where = *condition;
  }
  PlannedStage& stage = Add(Phase::kBackfill, "delete-" + table.name);
  stage.comment = {
      "Deleted in short batches over the primary key (or name one with `key`), each its own",
      "transaction, up to the largest key at the start: deploy before it the release that",
      "no longer writes or needs these rows; rows written from then on are left.",
      "The rows are gone for good: the rollback cannot bring them back."};
  stage.backfill = Backfill{BackfillTable(table), "", where, true};
  stage.irreversible = true;
}

void Planner::Insert(const PgQuery__InsertStmt* insert) {
  const parser::QualifiedName table = parser::NameOf(insert->relation);
  if (!IsNew(table)) {
    return Unsafe("an INSERT into an existing table: pgshift plan new cannot undo it");
  }
  if (insert->select_stmt != nullptr &&
      insert->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
      insert->select_stmt->select_stmt->n_from_clause > 0) {
    return CopyRows(table, insert);
  }
  JoinCreation(table);
}

}  // namespace pgshift::planner
