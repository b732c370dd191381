// Statements that create, drop or rename schema objects: an index built concurrently under a
// name, drops at contract, renames of columns and tables, and creations that pass through with
// their inverse.
#include <algorithm>
#include <optional>
#include <set>

#include "parser/deparse.h"
#include "parser/identifiers.h"
#include "planner/planner.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"

namespace pgshift::planner {

using parser::Node;
using rules::Phase;

namespace {

// The index's columns ("expr" for an expression); `plain` is false for a partial index or one
// on an expression, whose duplicates a GROUP BY on the columns cannot find.
std::vector<std::string> IndexColumns(const PgQuery__IndexStmt* index, bool& plain) {
  std::vector<std::string> columns;
  plain = index->where_clause == nullptr;
  for (std::size_t i = 0; i < index->n_index_params; ++i) {
    const Node* param = index->index_params[i];
    if (param->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) continue;
    const std::string name(parser::Str(param->index_elem->name));
    if (name.empty()) {
      plain = false;
      columns.push_back("expr");
    } else {
      columns.push_back(name);
    }
  }
  return columns;
}


}  // namespace

void Planner::CreateType(const parser::QualifiedName& type) {
  PassThrough("create-type-" + type.name, {"DROP TYPE " + TableSql(type)});
}

void Planner::Index(const Node* node, const PgQuery__IndexStmt* index) {
  const parser::QualifiedName table = parser::NameOf(index->relation);
  bool plain = true;
  const std::vector<std::string> columns = IndexColumns(index, plain);
  std::string name(parser::Str(index->idxname));
  if (IsNew(table)) return JoinCreation(table);
  // The same name as an index this migration drops (at contract): built beside it under a
  // temporary name, it takes the name once the old one is gone.
  const std::string replaced = dropped_indexes_.count(name) > 0 ? name : "";
  if (!replaced.empty()) name = ChooseName(replaced, {}, "new");
  if (index->concurrent && !name.empty() && replaced.empty()) {
    return PassThrough(
        "create-index-" + (name.empty() ? table.name : name),
        {std::string("DROP INDEX ") + (index->concurrent ? "CONCURRENTLY " : "") +
         IndexSql(table, name.empty() ? ChooseName(table.name, columns, "idx") : name)});
  }
  if (name.empty()) name = ChooseName(table.name, columns, "idx");
  parser::NodeCopy copy(node);
  copy.get()->index_stmt->concurrent = true;
  parser::SetString(copy.get()->index_stmt->idxname, name);
  const auto sql = parser::DeparseStatement(copy.get());
  if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
  PlannedStage& stage = Add(Phase::kExpand, "build-index-" + name);
  stage.comment = {
      "Built CONCURRENTLY, under SHARE UPDATE EXCLUSIVE: reads and writes go on. It runs",
      "outside a transaction; an INVALID index a failed build leaves is dropped and built "
      "again."};
  stage.sql.push_back(*sql);
  stage.rollback.push_back("DROP INDEX CONCURRENTLY " + IndexSql(table, name));
  if (index->unique) {
    stage.comment.push_back("Once the build marks it ready, an INSERT of a duplicate fails.");
    if (plain) stage.gate = DuplicatesGate(table, columns);
  }
  if (!replaced.empty()) {
    stage.comment.push_back("It replaces " + replaced +
                            ", which this migration drops: until contract both indexes exist "
                            "(queries may use either, writes maintain both); at contract the "
                            "old one is dropped and this one renamed " + replaced + ".");
    TakeOverName("index", name, replaced,
                 "ALTER INDEX " + IndexSql(table, name) + " RENAME TO " + Q(replaced));
  }
}

void Planner::Drop(const Node* node, const PgQuery__DropStmt* drop) {
  std::string sql = Text();
  if (drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && !drop->concurrent) {
    if (drop->n_objects != 1 || drop->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
      return Unsafe(
          "DROP INDEX of several indexes or CASCADE cannot run CONCURRENTLY; drop "
          "each index on its own");
    }
    parser::NodeCopy copy(node);
    copy.get()->drop_stmt->concurrent = true;
    const auto concurrent = parser::DeparseStatement(copy.get());
    if (!concurrent) return Unsafe("the statement could not be rewritten (deparse failed)");
    sql = *concurrent;
  }
  if (drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
    for (std::size_t i = 0; i < drop->n_objects; ++i) {
      const Node* object = drop->objects[i];
      if (object->node_case != PG_QUERY__NODE__NODE_LIST) continue;
      dropped_indexes_.insert(parser::NameOfList(parser::StringList(object->list)).name);
    }
  }
  Contract("drop-" + Slug(Text().substr(5)), sql,
           "Deploy first the release that no longer uses what this drops; it cannot be undone.");
}

void Planner::Rename(const PgQuery__RenameStmt* rename) {
  const std::string from(parser::Str(rename->subname)), to(parser::Str(rename->newname));
  switch (rename->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
      const parser::QualifiedName index = parser::NameOf(rename->relation);
      parser::QualifiedName renamed = index;
      renamed.name = to;
      return PassThrough("rename-index-" + index.name,
                         {"ALTER INDEX " + TableSql(renamed) + " RENAME TO " + Q(index.name)});
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      const parser::QualifiedName table = parser::NameOf(rename->relation);
      return PassThrough(
          "rename-constraint-" + from,
          {"ALTER TABLE " + TableSql(table) + " RENAME CONSTRAINT " + Q(to) + " TO " + Q(from)});
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      if (IsNew(parser::NameOf(rename->relation))) {
        return JoinCreation(parser::NameOf(rename->relation));
      }
      return RenameColumn(parser::NameOf(rename->relation), from, to);
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      if (IsNew(parser::NameOf(rename->relation))) {
        const parser::QualifiedName old_name = parser::NameOf(rename->relation);
        parser::QualifiedName renamed = old_name;
        renamed.name = to;
        const auto found = created_in_.find(old_name.ToString());
        JoinCreation(old_name);
        if (found != created_in_.end()) {
          created_in_[renamed.ToString()] = found->second;
          new_tables_.insert(renamed.ToString());
          // The creating stage's rollback drops the table under the name it ends with.
          plan_.stages[found->second].rollback = {"DROP TABLE " + TableSql(renamed)};
        }
        return;
      }
      return RenameTable(parser::NameOf(rename->relation), to, rename->missing_ok);
    default:
      return Unsafe("pgshift plan new does not know how to stage this rename");
  }
}

// The table under its new name and, in the same transaction, a view under the old one: a view
// over one table with no more than SELECT * is auto-updatable, so both releases read and write
// the same rows (INSERT, UPDATE, DELETE and RETURNING pass through, the table's defaults apply),
// exactly, with nothing to copy. The view goes at contract.
void Planner::RenameTable(const parser::QualifiedName& table, const std::string& to,
                          bool missing_ok) {
  if (missing_ok) {
    return Unsafe(
        "ALTER TABLE IF EXISTS ... RENAME: whether the view under the old name can be "
        "created depends on whether the table existed");
  }
  parser::QualifiedName renamed = table;
  renamed.name = to;
  const std::string old_sql = TableSql(table), new_sql = TableSql(renamed);
  PlannedStage& expand = Add(Phase::kExpand, "rename-table-" + table.name);
  expand.comment = {
      "ACCESS EXCLUSIVE for catalog changes only. The view under the old name is",
      "auto-updatable: the running release reads and writes the renamed table through it.",
      "It has the table's columns of now: a column added later is not seen through it.",
      "Grants on the table do not carry over: grant on the view what a role needs."};
  expand.sql = {
      "-- pgshift-ignore rename-table: the view created next keeps the old name working\n" +
          Text(),
      "CREATE VIEW " + old_sql + " AS SELECT * FROM " + new_sql};
  expand.rollback = {"DROP VIEW " + old_sql, "ALTER TABLE " + new_sql + " RENAME TO " +
                                                 Q(table.name)};
  Contract("drop-view-" + table.name, "DROP VIEW " + old_sql,
           "Deploy first the release that names only " + to + ": no running release may name " +
               table.name + ".");
}

void Planner::Create(const PgQuery__CreateStmt* create) {
  const parser::QualifiedName table = parser::NameOf(create->relation);
  if (create->if_not_exists) {
    return Unsafe(
        "CREATE TABLE IF NOT EXISTS: whether the rollback may drop the table depends "
        "on whether it existed");
  }
  new_tables_.insert(table.ToString());
  PassThrough("create-table-" + table.name, {"DROP TABLE " + TableSql(table)});
  created_in_[table.ToString()] = plan_.stages.size() - 1;
}

void Planner::CreateFunction(const PgQuery__CreateFunctionStmt* function) {
  if (function->replace) {
    return Unsafe(
        "CREATE OR REPLACE FUNCTION: the rollback would need the definition it "
        "replaces; if it is new, write CREATE FUNCTION");
  }
  const auto name =
      parser::NameOfList(parser::StringList(function->funcname, function->n_funcname));
  std::string types;
  for (std::size_t i = 0; i < function->n_parameters; ++i) {
    const auto* parameter = function->parameters[i]->function_parameter;
    if (parameter->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT ||
        parameter->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE) {
      continue;
    }
    types += (types.empty() ? "" : ", ") + parser::TypeSpecOf(parameter->arg_type).ToString();
  }
  PassThrough("create-function-" + name.name,
              {std::string(function->is_procedure ? "DROP PROCEDURE " : "DROP FUNCTION ") +
               TableSql(name) + "(" + types + ")"});
}

void Planner::CreateTrigger(const PgQuery__CreateTrigStmt* trigger) {
  if (trigger->replace) {
    return Unsafe("CREATE OR REPLACE TRIGGER: the rollback would need the trigger it replaces");
  }
  PassThrough("create-trigger-" + std::string(parser::Str(trigger->trigname)),
              {"DROP TRIGGER " + Q(parser::Str(trigger->trigname)) + " ON " +
               TableSql(parser::NameOf(trigger->relation))});
}

void Planner::CreateView(const PgQuery__ViewStmt* view) {
  if (view->replace) {
    return Unsafe("CREATE OR REPLACE VIEW: the rollback would need the definition it replaces");
  }
  PassThrough("create-view-" + parser::NameOf(view->view).name,
              {"DROP VIEW " + TableSql(parser::NameOf(view->view))});
}

}  // namespace pgshift::planner
