// ALTER TABLE, command by command: constraints added NOT VALID or through an index built
// concurrently, columns added nullable and filled, NOT NULL through a validated check, defaults
// and drops. A type change goes to column_swap.cpp.
#include <optional>

#include "parser/deparse.h"
#include "planner/planner.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"
#include "rules/analysis/volatility.h"

namespace pgshift::planner {

using parser::Node;
using rules::Phase;

namespace {

// The ALTER TABLE with only its command `index` (edited by `edit` on a copy), as SQL.
template <class Edit>
std::optional<std::string> OneCommand(const Node* node, std::size_t index, Edit&& edit) {
  parser::NodeCopy copy(node);
  auto* alter = copy.get()->alter_table_stmt;
  for (std::size_t i = alter->n_cmds; i-- > 0;) {
    if (i != index) parser::RemoveItem(alter->cmds, alter->n_cmds, i);
  }
  if (alter->n_cmds != 1) return std::nullopt;
  edit(alter->cmds[0]->alter_table_cmd);
  return parser::DeparseStatement(copy.get());
}
std::optional<std::string> OneCommand(const Node* node, std::size_t index) {
  return OneCommand(node, index, [](PgQuery__AlterTableCmd*) {});
}

std::string OrphansGate(const parser::QualifiedName& table,
                        const std::vector<std::string>& columns,
                        const PgQuery__Constraint* constraint) {
  const auto referenced = ColumnNames(constraint->pk_attrs, constraint->n_pk_attrs);
  if (referenced.size() != columns.size() || columns.empty()) return "";
  std::string present, match;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    present += " AND c." + Q(columns[i]) + " IS NOT NULL";
    match +=
        std::string(i == 0 ? "" : " AND ") + "p." + Q(referenced[i]) + " = c." + Q(columns[i]);
  }
  return "SELECT NOT EXISTS (SELECT 1 FROM " + TableSql(table) + " c WHERE" + present.substr(4) +
         " AND NOT EXISTS (SELECT 1 FROM " + TableSql(parser::NameOf(constraint->pktable)) +
         " p WHERE " + match + "))";
}

// Why a column that takes the name of one this migration renames cannot be staged.
std::string RenamedAwayReason(const std::string& name, const std::string& renamed_to) {
  return "adds a column " + name + " while an earlier statement renames " + name + " to " +
         renamed_to + ": the plan keeps the old " + name +
         " (in step with the new name) until contract, so the new one could only be added "
         "after that, and only as a catalog change (nullable, or with a constant default); "
         "add it in a later migration";
}

}  // namespace

void Planner::AlterTable(const Node* node, const PgQuery__AlterTableStmt* alter) {
  const parser::QualifiedName table = parser::NameOf(alter->relation);
  if (alter->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    return Unsafe("pgshift plan new stages ALTER TABLE only");
  }
  if (IsNew(table)) {
    return JoinCreation(table);
  }
  for (std::size_t i = 0; i < alter->n_cmds; ++i) {
    const auto* cmd = alter->cmds[i]->alter_table_cmd;
    if (cmd == nullptr) continue;
    const bool has_def = cmd->def != nullptr;
    if (!has_def && (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint ||
                     cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn ||
                     cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType)) {
      Unsafe("pgshift plan new does not know how to stage this ALTER TABLE command");
      continue;
    }
    const std::string column(parser::Str(cmd->name));
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        AddConstraint(node, i, table, cmd->def->constraint);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        AddColumn(node, i, table, cmd->def->column_def);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: {
        // With a validated CHECK (column IS NOT NULL) already (in the schema, or proved by
        // an earlier statement's stages), SET NOT NULL needs no scan: one stage.
        const rules::CatalogTable* known = catalog_.FindTable(table);
        if (known == nullptr || !known->HasValidatedNotNullCheck(column)) {
          EnforceNotNull(table, column);
          break;
        }
        PlannedStage& set = Add(Phase::kSwitch, "set-not-null-" + table.name + "-" + column);
        set.comment = {"A validated check proves the column NOT NULL: a catalog change only."};
        set.sql.push_back("ALTER TABLE " + TableSql(table) + " ALTER COLUMN " + Q(column) +
                          " SET NOT NULL");
        set.rollback.push_back("ALTER TABLE " + TableSql(table) + " ALTER COLUMN " + Q(column) +
                               " DROP NOT NULL");
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: {
        auto sql = OneCommand(node, i);
        if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
        PlannedStage& stage = Add(Phase::kExpand, "drop-not-null-" + table.name + "-" + column);
        stage.comment = {"A catalog change: the column accepts NULL from now on."};
        stage.sql.push_back(*sql);
        stage.rollback.push_back("ALTER TABLE " + TableSql(table) + " ALTER COLUMN " + Q(column) +
                                 " SET NOT NULL");
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault: {
        auto sql = OneCommand(node, i);
        if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
        if (cmd->def != nullptr) {
          PlannedStage& stage = Add(Phase::kExpand, "set-default-" + table.name + "-" + column);
          stage.comment = {"A catalog change for new rows only."};
          stage.sql.push_back(*sql);
          // The rollback restores the default the column had, as the schema and the
          // migration so far tell it.
          const auto before = defaults_.find(table.name + "." + column);
          const rules::CatalogTable* known = catalog_.FindTable(table);
          const rules::CatalogColumn* known_column =
              known == nullptr ? nullptr : known->FindColumn(column);
          const std::string alter =
              "ALTER TABLE " + TableSql(table) + " ALTER COLUMN " + Q(column);
          if (before != defaults_.end()) {
            stage.comment.push_back("The rollback restores the previous default, " +
                                    before->second + ".");
            stage.rollback.push_back(alter + " SET DEFAULT " + before->second);
          } else if (known_column != nullptr && !known_column->has_default) {
            stage.comment.push_back("The column had no default: the rollback drops it.");
            stage.rollback.push_back(alter + " DROP DEFAULT");
          } else {
            stage.comment.push_back(
                "The column's previous default is not known (pass --schema): the rollback");
            stage.comment.push_back(
                "drops the default, which restores the column exactly only if it had none.");
            stage.rollback.push_back(alter + " DROP DEFAULT");
          }
        } else {
          Contract("drop-default-" + table.name + "-" + column, *sql,
                   "Deploy first the release whose INSERTs into " + table.name + " give " +
                       column + " a value: the running one may rely on the default.");
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
        auto sql = OneCommand(node, i);
        if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
        Contract("drop-column-" + table.name + "-" + column, *sql,
                 "Deploy first the release that no longer reads or writes " + table.name + "." +
                     column + "; the data is gone for good.");
        DropCopyTrigger(table.name, column, plan_.stages.back());
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: {
        auto sql = OneCommand(node, i);
        if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
        dropped_constraints_.insert(table.name + "." + column);
        Contract("drop-constraint-" + column, *sql,
                 "Deploy first the release that no longer relies on " + column + ".");
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        ChangeType(table, column, cmd->def->column_def);
        break;
      default: {
        const ProtobufCEnumValue* value = protobuf_c_enum_descriptor_get_value(
            &pg_query__alter_table_type__descriptor, cmd->subtype);
        Unsafe("pgshift plan new does not know how to stage or undo this ALTER TABLE command (" +
               std::string(value != nullptr ? value->name : "?") + ")");
        break;
      }
    }
  }
}

void Planner::AddConstraint(const Node* node, std::size_t index, const parser::QualifiedName& table,
                   const PgQuery__Constraint* constraint) {
  const std::string table_sql = TableSql(table);
  std::string name(parser::Str(constraint->conname));
  switch (constraint->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: {
      if (!name.empty() && dropped_constraints_.count(table.name + "." + name) > 0) {
        return Unsafe("adds constraint " + name +
                      " again, which an earlier statement drops (at contract): its index "
                      "would have to be built under another name and the constraint swapped "
                      "in by hand; stage it by hand, or in a later migration");
      }
      const bool primary = constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
      if (!parser::Str(constraint->indexname).empty()) {
        // USING INDEX: the index is built already; the constraint takes its name if unnamed.
        const std::string index_name(parser::Str(constraint->indexname));
        const auto sql = OneCommand(node, index);
        if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
        PlannedStage& stage = Add(Phase::kExpand, "attach-" + index_name);
        stage.comment = {"ACCESS EXCLUSIVE for a catalog change: the index is built already."};
        if (primary) {
          stage.comment.push_back(
              "A primary key also makes its columns NOT NULL: a nullable column is scanned.");
        }
        stage.sql.push_back(*sql);
        // Dropping the constraint drops the index too: the rollback builds it again only
        // when it knows how (the index is in the schema given).
        stage.rollback.push_back("ALTER TABLE " + table_sql + " DROP CONSTRAINT " +
                                 Q(name.empty() ? index_name : name));
        return;
      }
      if (constraint->deferrable || constraint->n_including > 0 || constraint->n_options > 0 ||
          constraint->nulls_not_distinct || constraint->where_clause != nullptr) {
        return Unsafe(
            "a unique constraint with options pgshift plan new does not carry over "
            "(DEFERRABLE, INCLUDE, WITH, NULLS NOT DISTINCT)");
      }
      const auto columns = ColumnNames(constraint->keys, constraint->n_keys);
      if (name.empty())
        name = primary ? table.name + "_pkey" : ChooseName(table.name, columns, "key");
      const std::string build = "CREATE UNIQUE INDEX CONCURRENTLY " + Q(name) + " ON " +
                                table_sql + " (" + ColumnList(columns) + ")";
      PlannedStage& expand = Add(Phase::kExpand, "build-unique-index-" + name);
      expand.comment = {
          "The constraint's index, built CONCURRENTLY (SHARE UPDATE EXCLUSIVE: reads and",
          "writes go on). From the moment it is ready, an INSERT of a duplicate fails; the gate",
          "makes sure the rows already there can be indexed."};
      expand.gate = DuplicatesGate(table, columns);
      expand.sql.push_back(build);
      expand.rollback.push_back("DROP INDEX CONCURRENTLY " + IndexSql(table, name));
      PlannedStage& attach = Add(Phase::kSwitch, "attach-constraint-" + name);
      attach.comment = {
          "ACCESS EXCLUSIVE for a catalog change only: the index is built and valid.",
          "Dropping the constraint drops its index, so the rollback builds it again."};
      if (primary) {
        attach.comment.push_back(
            "A primary key also makes its columns NOT NULL: a nullable column is scanned here.");
      }
      attach.sql.push_back("ALTER TABLE " + table_sql + " ADD CONSTRAINT " + Q(name) +
                           (primary ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " + Q(name));
      attach.rollback = {"ALTER TABLE " + table_sql + " DROP CONSTRAINT " + Q(name), build};
      return;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
      const bool foreign = constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
      const auto columns = foreign ? ColumnNames(constraint->fk_attrs, constraint->n_fk_attrs)
                                   : ColumnsReferenced(constraint->raw_expr);
      if (name.empty()) {
        name = foreign
                   ? ChooseName(table.name, columns, "fkey")
                   : ChooseName(table.name,
                                columns.empty() ? columns : std::vector<std::string>{columns[0]},
                                "check");
      }
      // The same name as a constraint this migration drops (at contract): added beside it
      // under a temporary name, it takes the name once the old one is gone.
      std::string replaced;
      if (dropped_constraints_.count(table.name + "." + name) > 0) {
        replaced = name;
        name = ChooseName(replaced, {}, "new");
      }
      auto take_over_name = [&] {
        if (replaced.empty()) return;
        TakeOverName("constraint", name, replaced,
                     "ALTER TABLE " + table_sql + " RENAME CONSTRAINT " + Q(name) + " TO " +
                         Q(replaced));
      };
      const auto not_valid = OneCommand(node, index, [&](PgQuery__AlterTableCmd* cmd) {
        parser::SetString(cmd->def->constraint->conname, name);
        cmd->def->constraint->skip_validation = true;
        cmd->def->constraint->initially_valid = false;
      });
      if (!not_valid) return Unsafe("the statement could not be rewritten (deparse failed)");
      const std::string drop = "ALTER TABLE " + table_sql + " DROP CONSTRAINT " + Q(name);
      PlannedStage& add = Add(Phase::kExpand, "add-" + name);
      add.comment = {foreign
                         ? "Added NOT VALID: SHARE ROW EXCLUSIVE on both tables, for a catalog "
                           "change only;"
                         : "Added NOT VALID: a brief ACCESS EXCLUSIVE for a catalog change only;",
                     "rows written from now on are checked, the old ones are not read."};
      add.sql.push_back(*not_valid);
      add.rollback.push_back(drop);
      if (!replaced.empty()) {
        add.comment.push_back("It replaces " + replaced +
                              ", which this migration drops: until contract both hold (a row "
                              "must satisfy both; both ON DELETE / ON UPDATE actions apply); at "
                              "contract the old one is dropped and this one renamed " +
                              replaced + ".");
      }
      if (constraint->skip_validation) return take_over_name();  // written NOT VALID
      PlannedStage& validate = Add(Phase::kSwitch, "validate-" + name);
      validate.comment = {
          "The scan of the old rows, under SHARE UPDATE EXCLUSIVE: reads and writes go on. The",
          "gate finds violating rows first; undone by adding the constraint again NOT VALID."};
      validate.sql.push_back("ALTER TABLE " + table_sql + " VALIDATE CONSTRAINT " + Q(name));
      validate.rollback = {drop, *not_valid};
      if (foreign) {
        validate.gate = OrphansGate(table, columns, constraint);
      } else if (auto check = parser::DeparseExpression(constraint->raw_expr)) {
        validate.gate =
            "SELECT NOT EXISTS (SELECT 1 FROM " + table_sql + " WHERE NOT (" + *check + "))";
      }
      take_over_name();
      return;
    }
    default:
      return Unsafe("pgshift plan new does not know how to stage this kind of constraint");
  }
}

void Planner::AddColumn(const Node* node, std::size_t index, const parser::QualifiedName& table,
               const PgQuery__ColumnDef* column) {
  const std::string name(parser::Str(column->colname));
  bool not_null = column->is_not_null;
  const Node* default_expr = column->raw_default;
  std::string other;
  for (std::size_t i = 0; i < column->n_constraints; ++i) {
    const auto* constraint = column->constraints[i]->constraint;
    switch (constraint->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        not_null = true;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        default_expr = constraint->raw_expr;
        break;
      default:
        other = "an inline constraint";
        break;
    }
  }
  if (!other.empty()) return AddColumnAndConstraints(node, index, table, column);
  const bool is_volatile =
      default_expr != nullptr &&
      rules::VolatilityOf(default_expr).volatility == rules::Volatility::kVolatile;
  const std::string table_sql = TableSql(table);
  const std::string drop = "ALTER TABLE " + table_sql + " DROP COLUMN " + Q(name);
  const auto renamed = renamed_away_.find(table.name + "." + name);
  if (renamed != renamed_away_.end() && (is_volatile || (not_null && default_expr == nullptr))) {
    return Unsafe(RenamedAwayReason(name, renamed->second));
  }
  if (!is_volatile && (!not_null || default_expr != nullptr)) {
    // Nullable, or NOT NULL with a constant default: a catalog change only (PostgreSQL 11+).
    auto sql = OneCommand(node, index);
    if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
    if (renamed != renamed_away_.end()) {
      // The old column keeps the name until contract drops it: the new one comes after.
      Contract("add-column-" + table.name + "-" + name, *sql,
               "Runs after the drop of the old " + name + " (renamed " + renamed->second +
                   "): a catalog change only. Until this stage, " + name +
                   " is the old column, kept in step with " + renamed->second +
                   "; deploy after it the release that uses the new " + name + ".");
      added_.insert(table.ToString() + "." + name);
      return;
    }
    PlannedStage& stage = Add(Phase::kExpand, "add-column-" + table.name + "-" + name);
    stage.comment = {"ACCESS EXCLUSIVE for a catalog change only: no rows are rewritten."};
    stage.sql.push_back(*sql);
    stage.rollback.push_back(drop);
    added_.insert(table.ToString() + "." + name);
    return;
  }
  auto nullable = OneCommand(node, index, [](PgQuery__AlterTableCmd* cmd) {
    auto* def = cmd->def->column_def;
    def->is_not_null = false;
    for (std::size_t i = def->n_constraints; i-- > 0;) {
      const auto type = def->constraints[i]->constraint->contype;
      if (type == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL ||
          type == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) {
        parser::RemoveItem(def->constraints, def->n_constraints, i);
      }
    }
  });
  if (!nullable) return Unsafe("the statement could not be rewritten (deparse failed)");
  PlannedStage& expand = Add(Phase::kExpand, "add-column-" + table.name + "-" + name);
  expand.comment = {"Added nullable and without a default: a catalog change only, so the",
                    "release still running, which does not know the column, keeps working."};
  expand.sql.push_back(*nullable);
  expand.rollback.push_back(drop);
  added_.insert(table.ToString() + "." + name);
  if (default_expr != nullptr) {
    const auto value = parser::DeparseExpression(default_expr);
    if (!value) return Unsafe("the default could not be rewritten (deparse failed)");
    expand.comment.push_back("The volatile default applies to new rows from here on.");
    expand.sql.push_back("ALTER TABLE " + table_sql + " ALTER COLUMN " + Q(name) +
                         " SET DEFAULT " + *value);
    PlannedStage& fill = Add(Phase::kBackfill, "fill-" + table.name + "-" + name);
    fill.comment = {
        "The old rows get the default's value in short batches over the primary key."};
    fill.backfill =
        Backfill{BackfillTable(table), Q(name) + " = " + *value, Q(name) + " IS NULL"};
  } else {
    needs_value_[table.ToString() + "." + name] = source_;
  }
  if (not_null) EnforceNotNull(table, name);
}

// ADD COLUMN with inline constraints (REFERENCES, UNIQUE, CHECK): the column alone, then each
// constraint as its own ADD CONSTRAINT on it, staged as such.
void Planner::AddColumnAndConstraints(const Node* node, std::size_t index,
                             const parser::QualifiedName& table,
                             const PgQuery__ColumnDef* column) {
  const std::string name(parser::Str(column->colname));
  if (const auto renamed = renamed_away_.find(table.name + "." + name);
      renamed != renamed_away_.end()) {
    return Unsafe(RenamedAwayReason(name, renamed->second));
  }
  std::vector<std::size_t> moved;
  for (std::size_t i = 0; i < column->n_constraints; ++i) {
    switch (column->constraints[i]->constraint->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        moved.push_back(i);
        break;
      default:
        return Unsafe("ADD COLUMN " + name +
                      " with a generated, identity or other inline "
                      "clause pgshift plan new does not stage");
    }
  }
  // The column alone.
  parser::NodeCopy bare(node);
  auto* bare_column = bare.get()->alter_table_stmt->cmds[index]->alter_table_cmd->def->column_def;
  for (std::size_t k = moved.size(); k-- > 0;) {
    parser::RemoveItem(bare_column->constraints, bare_column->n_constraints, moved[k]);
  }
  AddColumn(bare.get(), index, table, bare_column);
  // Each constraint, as ALTER TABLE ... ADD CONSTRAINT on the column.
  for (std::size_t k = 0; k < moved.size(); ++k) {
    parser::NodeCopy statement(node);
    auto* cmd = statement.get()->alter_table_stmt->cmds[index]->alter_table_cmd;
    auto* def = cmd->def->column_def;
    Node* constraint = parser::TakeItem(def->constraints, def->n_constraints, moved[k]);
    parser::FreeNode(cmd->def);
    cmd->def = constraint;
    cmd->subtype = PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint;
    auto* c = constraint->constraint;
    if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
      parser::AppendString(c->fk_attrs, c->n_fk_attrs, name);
    } else if (c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
      parser::AppendString(c->keys, c->n_keys, name);
    }
    AddConstraint(statement.get(), index, table, c);
  }
}

// NOT NULL without the long scan under ACCESS EXCLUSIVE: a CHECK added NOT VALID, validated
// under SHARE UPDATE EXCLUSIVE, then SET NOT NULL, which uses it (PostgreSQL 12+).
void Planner::EnforceNotNull(const parser::QualifiedName& table, const std::string& column,
                             bool synced) {
  const std::string table_sql = TableSql(table);
  const std::string check = ChooseName(table.name, {column}, "not_null");
  const std::string add_check = "ALTER TABLE " + table_sql + " ADD CONSTRAINT " + Q(check) +
                                " CHECK (" + Q(column) + " IS NOT NULL) NOT VALID";
  const std::string drop_check = "ALTER TABLE " + table_sql + " DROP CONSTRAINT " + Q(check);
  PlannedStage& add = Add(Phase::kSwitch, "add-check-" + check);
  add.comment = {
      synced ? "A trigger fills " + column + " on every INSERT, and the backfill the old rows;"
             : "Deploy before this stage the release that writes " + column + " on every INSERT;",
      "the gate waits for every row to have a value. A stage of its own: a stage is one",
      "transaction, and this brief ACCESS EXCLUSIVE would be held through the next scan."};
  add.gate =
      "SELECT NOT EXISTS (SELECT 1 FROM " + table_sql + " WHERE " + Q(column) + " IS NULL)";
  add.sql.push_back(add_check);
  add.rollback.push_back(drop_check);
  PlannedStage& validate = Add(Phase::kSwitch, "validate-" + check);
  validate.comment = {"The scan, under SHARE UPDATE EXCLUSIVE: reads and writes go on."};
  validate.sql.push_back("ALTER TABLE " + table_sql + " VALIDATE CONSTRAINT " + Q(check));
  validate.rollback = {drop_check, add_check};
  PlannedStage& set = Add(Phase::kSwitch, "set-not-null-" + table.name + "-" + column);
  set.comment = {"With the validated check, SET NOT NULL skips its scan: a catalog change only."};
  set.sql.push_back("ALTER TABLE " + table_sql + " ALTER COLUMN " + Q(column) + " SET NOT NULL");
  set.rollback.push_back("ALTER TABLE " + table_sql + " ALTER COLUMN " + Q(column) +
                         " DROP NOT NULL");
  Contract("drop-check-" + check, drop_check,
           "The check is redundant once the column is NOT NULL.");
}

}  // namespace pgshift::planner
