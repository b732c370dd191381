// Data changes: an UPDATE becomes a batched backfill; an INSERT joins the creation of a table the
// migration creates.
#include "parser/deparse.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"

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

void Planner::Delete(const PgQuery__DeleteStmt*) {
  Unsafe(
      "a DELETE cannot run as the runner's backfill, which updates rows; delete in batches "
      "by hand (DELETE ... WHERE key IN (SELECT key ... LIMIT n), repeated), each batch its "
      "own transaction");
}

void Planner::Insert(const PgQuery__InsertStmt* insert) {
  const parser::QualifiedName table = parser::NameOf(insert->relation);
  if (!IsNew(table)) {
    return Unsafe("an INSERT into an existing table: pgshift plan new cannot undo it");
  }
  if (insert->select_stmt != nullptr &&
      insert->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
      insert->select_stmt->select_stmt->n_from_clause > 0) {
    return Unsafe(
        "copies the rows once, in one long transaction; rows the application writes "
        "afterwards are not copied. Keep both places in step with triggers and copy "
        "the rows in a backfill (see migrations-examples/08-move-columns-to-new-table)");
  }
  JoinCreation(table);
}

}  // namespace pgshift::planner
