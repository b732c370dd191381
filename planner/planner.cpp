#include "planner/planner.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "parser/deparse.h"
#include "parser/identifiers.h"
#include "parser/parsed_file.h"
#include "parser/source_text.h"
#include "rules/analysis/catalog.h"
#include "rules/analysis/type_change.h"
#include "rules/analysis/volatility.h"

namespace pgshift::planner {

using parser::Node;
using rules::Phase;

namespace {

std::string Q(std::string_view name) { return parser::QuoteIdentifier(name); }

std::string TableSql(const parser::QualifiedName& name) {
  return name.schema.empty() ? Q(name.name) : Q(name.schema) + "." + Q(name.name);
}

// The backfill's `table` takes each part as written and quotes it itself; a part holding a dot
// or a double quote is written in double quotes.
std::string BackfillTable(const parser::QualifiedName& name) {
  auto part = [](const std::string& p) {
    if (p.find('.') == std::string::npos && p.find('"') == std::string::npos) return p;
    std::string quoted = "\"";
    for (char c : p) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  return name.schema.empty() ? part(name.name) : part(name.schema) + "." + part(name.name);
}

// An index lives in its table's schema: name it there so that DROP finds it.
std::string IndexSql(const parser::QualifiedName& table, const std::string& index) {
  return table.schema.empty() ? Q(index) : Q(table.schema) + "." + Q(index);
}

std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::vector<std::string> ColumnNames(Node* const* items, std::size_t count) {
  return parser::StringList(items, count);
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& column : columns) out += (out.empty() ? "" : ", ") + Q(column);
  return out;
}

// The columns an expression names, in order, once each.
std::vector<std::string> ColumnsReferenced(const Node* expression) {
  std::vector<std::string> columns;
  parser::VisitNodes(expression, [&](const Node& node) {
    if (node.node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
    const auto* ref = node.column_ref;
    if (ref->n_fields == 0) return;
    const std::string name(parser::StringValue(ref->fields[ref->n_fields - 1]));
    if (!name.empty() && std::find(columns.begin(), columns.end(), name) == columns.end()) {
      columns.push_back(name);
    }
  });
  return columns;
}

class Planner {
 public:
  Planner(MigrationPlan& plan) : plan_(plan) {}

  // The database before the migration, and each statement of it once planned.
  void Learn(const Node* node, bool in_migration) {
    catalog_.Apply(node, in_migration);
    // Columns other tables' foreign keys reference: the catalog keeps only the referencing side.
    parser::VisitNodes(node, [&](const Node& visited) {
      if (visited.node_case != PG_QUERY__NODE__NODE_CONSTRAINT) return;
      const auto* constraint = visited.constraint;
      if (constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) return;
      const std::string target = parser::NameOf(constraint->pktable).name;
      for (const std::string& column : ColumnNames(constraint->pk_attrs, constraint->n_pk_attrs)) {
        referenced_.insert(target + "." + column);
      }
    });
  }

  void Statement(std::size_t source, const Node* node) {
    source_ = source;
    if (const std::string swapped = NamesSwappedColumn(); !swapped.empty()) {
      return Unsafe("names " + swapped +
                    ", whose type change swaps a new column in for it at "
                    "contract: what this statement adds to the old column would be dropped with "
                    "it. Stage it on the new column by hand, or in a later migration");
    }
    switch (node->node_case) {
      case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        plan_.dropped.push_back(Text() + ": the runner owns transactions");
        return;
      case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return VariableSet(node->variable_set_stmt);
      case PG_QUERY__NODE__NODE_INDEX_STMT:
        return Index(node, node->index_stmt);
      case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        return AlterTable(node, node->alter_table_stmt);
      case PG_QUERY__NODE__NODE_UPDATE_STMT:
        return Update(node->update_stmt);
      case PG_QUERY__NODE__NODE_DELETE_STMT:
        return Delete(node->delete_stmt);
      case PG_QUERY__NODE__NODE_INSERT_STMT:
        return Insert(node->insert_stmt);
      case PG_QUERY__NODE__NODE_DROP_STMT:
        return Drop(node, node->drop_stmt);
      case PG_QUERY__NODE__NODE_RENAME_STMT:
        return Rename(node->rename_stmt);
      case PG_QUERY__NODE__NODE_CREATE_STMT:
        return Create(node->create_stmt);
      case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        return CreateFunction(node->create_function_stmt);
      case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        return CreateTrigger(node->create_trig_stmt);
      case PG_QUERY__NODE__NODE_VIEW_STMT:
        return CreateView(node->view_stmt);
      case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        return PassThrough(
            "create-sequence",
            {"DROP SEQUENCE " + TableSql(parser::NameOf(node->create_seq_stmt->sequence))});
      case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        return CreateType(parser::NameOfList(parser::StringList(
            node->create_enum_stmt->type_name, node->create_enum_stmt->n_type_name)));
      case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        return CreateType(parser::NameOf(node->composite_type_stmt->typevar));
      case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        if (node->create_schema_stmt->if_not_exists) break;
        return PassThrough(
            "create-schema-" + std::string(parser::Str(node->create_schema_stmt->schemaname)),
            {"DROP SCHEMA " + Q(parser::Str(node->create_schema_stmt->schemaname))});
      case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
        const auto* create = node->create_table_as_stmt;
        if (create->if_not_exists || create->into == nullptr) break;
        const bool view = create->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
        const parser::QualifiedName name = parser::NameOf(create->into->rel);
        new_tables_.insert(name.ToString());
        PassThrough(
            std::string(view ? "create-materialized-view-" : "create-table-") + name.name,
            {std::string(view ? "DROP MATERIALIZED VIEW " : "DROP TABLE ") + TableSql(name)});
        created_in_[name.ToString()] = plan_.stages.size() - 1;
        return;
      }
      case PG_QUERY__NODE__NODE_VACUUM_STMT:
        // ANALYZE changes statistics only: nothing to undo. VACUUM (FULL) is the lint's to judge.
        if (node->vacuum_stmt->is_vacuumcmd) break;
        return PassThrough("analyze", {});
      case PG_QUERY__NODE__NODE_REINDEX_STMT: {
        bool concurrent = false;
        for (std::size_t i = 0; i < node->reindex_stmt->n_params; ++i) {
          const Node* param = node->reindex_stmt->params[i];
          if (param->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
              parser::Str(param->def_elem->defname) == "concurrently") {
            concurrent = true;
          }
        }
        if (!concurrent) {
          return Unsafe(
              "REINDEX without CONCURRENTLY blocks writes (and reads that use the "
              "index) for the whole build; write REINDEX ... CONCURRENTLY");
        }
        return PassThrough("reindex", {});  // the same index again: nothing to undo
      }
      case PG_QUERY__NODE__NODE_GRANT_STMT: {
        parser::NodeCopy revoke(node);
        revoke.get()->grant_stmt->is_grant = !node->grant_stmt->is_grant;
        revoke.get()->grant_stmt->grant_option = false;
        const auto inverse = parser::DeparseStatement(revoke.get());
        if (!inverse || !node->grant_stmt->is_grant) break;  // a REVOKE's inverse is not known
        return PassThrough("grant", {*inverse});
      }
      default:
        break;
    }
    Unsafe("pgshift plan new does not know how to stage or undo this statement (" + KindOf(node) +
           ")");
  }

  // After the last statement: columns made NOT NULL that nothing fills.
  void Finish() {
    for (const auto& [key, pending] : needs_value_) {
      plan_.not_made_safe.push_back(
          {plan_.sources[pending].line, plan_.sources[pending].column, plan_.sources[pending].text,
           "the existing rows of " + key +
               " get no value: the migration gives the column no default and no UPDATE fills "
               "it. The plan adds it nullable and its NOT NULL stages wait (their gate) for a "
               "backfill stage written by hand"});
    }
  }

 private:
  const SourceStatement& Source() const { return plan_.sources[source_]; }
  std::string Text() const { return Source().text; }

  void Unsafe(const std::string& reason) {
    plan_.not_made_safe.push_back({Source().line, Source().column, Text(), reason});
  }

  PlannedStage& Add(Phase phase, const std::string& name) {
    std::string id = Slug(name);
    if (id.size() > 56) id.resize(56);
    std::string unique = id;
    for (int n = 2; !ids_.insert(unique).second; ++n) unique = id + "-" + std::to_string(n);
    PlannedStage stage;
    stage.id = unique;
    stage.phase = phase;
    stage.source = source_;
    plan_.stages.push_back(std::move(stage));
    return plan_.stages.back();
  }

  // The statement as written, in expand, undone by `rollback`.
  void PassThrough(const std::string& name, std::vector<std::string> rollback,
                   Phase phase = Phase::kExpand) {
    PlannedStage& stage = Add(phase, name);
    stage.comment.push_back("As written in the migration: safe while the application runs.");
    stage.sql.push_back(Text());
    stage.rollback = std::move(rollback);
  }

  // A statement on a table this migration creates joins the stage that creates it: the table is
  // empty and unknown to the running application, and the stage's lint sees it as new. Its
  // rollback, DROP TABLE, undoes this statement too.
  void JoinCreation(const parser::QualifiedName& table) {
    auto found = created_in_.find(table.ToString());
    if (found == created_in_.end()) found = created_in_.find(table.name);
    if (found == created_in_.end()) return Unsafe("the table's creation was not staged");
    plan_.stages[found->second].sql.push_back(Text());
  }

  // A column an earlier type change of this migration swaps out at contract ("events.count"),
  // when the statement names both it and its table; empty otherwise.
  std::string NamesSwappedColumn() const {
    if (swapped_.empty()) return "";
    std::set<std::string> names;
    for (const auto& identifier : parser::WrittenIdentifiers(Text())) names.insert(identifier.name);
    for (const auto& [table, column] : swapped_) {
      if (names.count(table) > 0 && names.count(column) > 0) return table + "." + column;
    }
    return "";
  }

  bool IsNew(const parser::QualifiedName& table) const {
    return new_tables_.count(table.ToString()) > 0 || new_tables_.count(table.name) > 0;
  }

  void VariableSet(const PgQuery__VariableSetStmt* set) {
    static const std::set<std::string> kRunnerOwned = {"lock_timeout", "statement_timeout",
                                                       "idle_in_transaction_session_timeout"};
    if (kRunnerOwned.count(std::string(parser::Str(set->name))) > 0) {
      plan_.dropped.push_back(Text() + ": the runner sets its own timeouts");
      return;
    }
    Unsafe(
        "a session setting: the runner runs each stage in its own transaction, where it would "
        "not hold; write it into the statements that need it");
  }

  // "refresh mat view" for a RefreshMatViewStmt: the statement's kind, for messages.
  static std::string KindOf(const Node* node) {
    const ProtobufCFieldDescriptor* field =
        protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, node->node_case);
    std::string kind = field != nullptr ? field->name : "unknown";
    if (kind.size() > 5 && kind.substr(kind.size() - 5) == "_stmt") kind.resize(kind.size() - 5);
    std::replace(kind.begin(), kind.end(), '_', ' ');
    return kind;
  }

  void CreateType(const parser::QualifiedName& type) {
    PassThrough("create-type-" + type.name, {"DROP TYPE " + TableSql(type)});
  }

  // --- indexes -------------------------------------------------------------------------------

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

  void Index(const Node* node, const PgQuery__IndexStmt* index) {
    const parser::QualifiedName table = parser::NameOf(index->relation);
    bool plain = true;
    const std::vector<std::string> columns = IndexColumns(index, plain);
    std::string name(parser::Str(index->idxname));
    if (IsNew(table)) return JoinCreation(table);
    if (index->concurrent && !name.empty()) {
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
  }

  std::string DuplicatesGate(const parser::QualifiedName& table,
                             const std::vector<std::string>& columns) {
    // Rows with a NULL in the key never conflict (NULLS DISTINCT, the default).
    std::string present;
    for (const std::string& column : columns) {
      present += (present.empty() ? " WHERE " : " AND ") + Q(column) + " IS NOT NULL";
    }
    return "SELECT NOT EXISTS (SELECT 1 FROM " + TableSql(table) + present + " GROUP BY " +
           ColumnList(columns) + " HAVING count(*) > 1)";
  }

  // --- ALTER TABLE ---------------------------------------------------------------------------

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

  void AlterTable(const Node* node, const PgQuery__AlterTableStmt* alter) {
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
            stage.comment = {"A catalog change for new rows only. The rollback assumes the column",
                             "had no default before."};
            stage.sql.push_back(*sql);
            stage.rollback.push_back("ALTER TABLE " + TableSql(table) + " ALTER COLUMN " +
                                     Q(column) + " DROP DEFAULT");
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
          break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: {
          auto sql = OneCommand(node, i);
          if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
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

  void Contract(const std::string& name, const std::string& sql, const std::string& deploy) {
    PlannedStage& stage = Add(Phase::kContract, name);
    stage.comment = {deploy, "Runs only with --through contract; cannot be undone."};
    stage.sql.push_back(sql);
    stage.irreversible = true;
  }

  void AddConstraint(const Node* node, std::size_t index, const parser::QualifiedName& table,
                     const PgQuery__Constraint* constraint) {
    const std::string table_sql = TableSql(table);
    std::string name(parser::Str(constraint->conname));
    switch (constraint->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: {
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
        if (constraint->skip_validation) return;  // written NOT VALID: validation is not asked
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
        return;
      }
      default:
        return Unsafe("pgshift plan new does not know how to stage this kind of constraint");
    }
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

  void AddColumn(const Node* node, std::size_t index, const parser::QualifiedName& table,
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
    if (!is_volatile && (!not_null || default_expr != nullptr)) {
      // Nullable, or NOT NULL with a constant default: a catalog change only (PostgreSQL 11+).
      auto sql = OneCommand(node, index);
      if (!sql) return Unsafe("the statement could not be rewritten (deparse failed)");
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
  void AddColumnAndConstraints(const Node* node, std::size_t index,
                               const parser::QualifiedName& table,
                               const PgQuery__ColumnDef* column) {
    const std::string name(parser::Str(column->colname));
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
  void EnforceNotNull(const parser::QualifiedName& table, const std::string& column) {
    const std::string table_sql = TableSql(table);
    const std::string check = ChooseName(table.name, {column}, "not_null");
    const std::string add_check = "ALTER TABLE " + table_sql + " ADD CONSTRAINT " + Q(check) +
                                  " CHECK (" + Q(column) + " IS NOT NULL) NOT VALID";
    const std::string drop_check = "ALTER TABLE " + table_sql + " DROP CONSTRAINT " + Q(check);
    PlannedStage& add = Add(Phase::kSwitch, "add-check-" + check);
    add.comment = {
        "Deploy before this stage the release that writes " + column + " on every INSERT;",
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

  // --- data ----------------------------------------------------------------------------------

  void Update(const PgQuery__UpdateStmt* update) {
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

  void Delete(const PgQuery__DeleteStmt*) {
    Unsafe(
        "a DELETE cannot run as the runner's backfill, which updates rows; delete in batches "
        "by hand (DELETE ... WHERE key IN (SELECT key ... LIMIT n), repeated), each batch its "
        "own transaction");
  }

  void Insert(const PgQuery__InsertStmt* insert) {
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

  // --- drops and renames ---------------------------------------------------------------------

  void Drop(const Node* node, const PgQuery__DropStmt* drop) {
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
    Contract("drop-" + Slug(sql.substr(5, 60)), sql,
             "Deploy first the release that no longer uses what this drops; it cannot be undone.");
  }

  void Rename(const PgQuery__RenameStmt* rename) {
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
        return Unsafe(
            "renaming a table breaks every query of the running release that names it; "
            "create the new table, keep both in step with triggers, backfill, and drop "
            "the old one at contract");
      default:
        return Unsafe("pgshift plan new does not know how to stage this rename");
    }
  }

  // Two names kept in step by a trigger while two releases run: add the new column, sync both
  // ways, backfill, carry over uniqueness and NOT NULL, and drop the old column at contract.
  void RenameColumn(const parser::QualifiedName& table, const std::string& from,
                    const std::string& to) {
    const rules::CatalogTable* known = catalog_.FindTable(table);
    const rules::CatalogColumn* column = known == nullptr ? nullptr : known->FindColumn(from);
    if (column == nullptr || column->type.empty()) {
      return Unsafe("renaming column " + from +
                    " breaks every query of the running release that "
                    "names it; its safe sequence (a new column kept in step by a trigger) needs "
                    "the column's type: pass the schema with --schema (a dump or the seed that "
                    "creates " +
                    table.name + ")");
    }
    const std::string table_sql = TableSql(table);
    const std::string function_name = ChooseName(table.name, {"sync"}, to);
    const parser::QualifiedName function{table.schema, function_name};
    const std::string trigger = Q(function_name);
    const std::string o = Q(from), n = Q(to);
    PlannedStage& expand = Add(Phase::kExpand, "add-column-" + table.name + "-" + to);
    expand.comment = {
        "The new name as a column of its own, kept equal to the old one by a trigger whichever",
        "release writes: an INSERT fills the column it was not given; an UPDATE copies the",
        "column that changed onto the other."};
    expand.sql = {
        "ALTER TABLE " + table_sql + " ADD COLUMN " + n + " " + column->type.ToString(),
        "CREATE FUNCTION " + TableSql(function) +
            "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP = 'INSERT' THEN\n"
            "    NEW." +
            n + " := coalesce(NEW." + n + ", NEW." + o + ");\n    NEW." + o + " := coalesce(NEW." +
            o + ", NEW." + n + ");\n  ELSIF NEW." + o + " IS DISTINCT FROM OLD." + o +
            " THEN\n    NEW." + n + " := NEW." + o + ";\n  ELSIF NEW." + n +
            " IS DISTINCT FROM OLD." + n + " THEN\n    NEW." + o + " := NEW." + n +
            ";\n  END IF;\n  RETURN NEW;\nEND $$",
        "CREATE TRIGGER " + trigger + " BEFORE INSERT OR UPDATE ON " + table_sql +
            " FOR EACH ROW EXECUTE FUNCTION " + TableSql(function) + "()"};
    const std::string drop_trigger = "DROP TRIGGER " + trigger + " ON " + table_sql;
    const std::string drop_function = "DROP FUNCTION " + TableSql(function) + "()";
    expand.rollback = {drop_trigger, drop_function,
                       "ALTER TABLE " + table_sql + " DROP COLUMN " + n};
    PlannedStage& fill = Add(Phase::kBackfill, "copy-" + table.name + "-" + from);
    fill.comment = {"Deploy before it the release that reads and writes " + to + " (the trigger",
                    "keeps both names in step); this copies the existing rows in short batches."};
    fill.backfill = Backfill{BackfillTable(table), n + " = " + o, n + " IS DISTINCT FROM " + o};
    bool unique = false;
    for (const auto& constraint : known->constraints) {
      if ((constraint.kind == rules::ConstraintKind::kUnique ||
           constraint.kind == rules::ConstraintKind::kPrimaryKey) &&
          constraint.columns == std::vector<std::string>{from}) {
        unique = true;
      }
    }
    if (unique) {
      const std::string index = ChooseName(table.name, {to}, "key");
      PlannedStage& build = Add(Phase::kSwitch, "index-" + index);
      build.comment = {"The new column carries the old one's uniqueness; built concurrently."};
      build.sql.push_back("CREATE UNIQUE INDEX CONCURRENTLY " + Q(index) + " ON " + table_sql +
                          " (" + n + ")");
      build.rollback.push_back("DROP INDEX CONCURRENTLY " + IndexSql(table, index));
    }
    if (column->not_null) EnforceNotNull(table, to);
    PlannedStage& contract = Add(Phase::kContract, "drop-column-" + table.name + "-" + from);
    contract.comment = {"Deploy first the release that reads and writes only " + to +
                            "; no running release may name " + from + ".",
                        "Runs only with --through contract; cannot be undone."};
    if (unique) contract.comment.push_back("The old column's constraints go with it.");
    contract.sql = {drop_trigger, drop_function, "ALTER TABLE " + table_sql + " DROP COLUMN " + o};
    contract.irreversible = true;
  }

  // A type change that rewrites the table: a new column of the new type kept in step by a
  // trigger, backfilled, and swapped in for the old one at contract. Only for a plain column:
  // indexes, constraints, a default or a USING expression are staged by hand (see
  // migrations-examples/07-change-column-type).
  void ChangeType(const parser::QualifiedName& table, const std::string& name,
                  const PgQuery__ColumnDef* def) {
    const parser::TypeSpec new_type = parser::TypeSpecOf(def->type_name);
    const rules::CatalogTable* known = catalog_.FindTable(table);
    const rules::CatalogColumn* column = known == nullptr ? nullptr : known->FindColumn(name);
    const rules::TypeChangeVerdict verdict = rules::ClassifyTypeChange(
        column == nullptr ? parser::TypeSpec{} : column->type, new_type, def->raw_default, name);
    const std::string table_sql = TableSql(table);
    const std::string where = table.name + "." + name;
    if (verdict.effect == rules::TypeChangeEffect::kCatalogOnly && column != nullptr) {
      PlannedStage& stage = Add(Phase::kExpand, "change-type-" + table.name + "-" + name);
      stage.comment = {"A catalog change only (" + verdict.reason + "): no rows are rewritten."};
      stage.sql.push_back(Text());
      stage.rollback.push_back("ALTER TABLE " + table_sql + " ALTER COLUMN " + Q(name) + " TYPE " +
                               column->type.ToString());
      return;
    }
    const std::string hazard =
        "changing the type of " + where + " rewrites the table under ACCESS EXCLUSIVE";
    if (column == nullptr) {
      return Unsafe(hazard +
                    "; its safe sequence (a new column kept in step by a trigger, "
                    "swapped in at contract) needs the old column: pass the schema with --schema");
    }
    std::string blocker;
    if (def->raw_default != nullptr) blocker = "a USING expression";
    if (column->has_default) blocker = "its default";
    for (const auto& constraint : known->constraints) {
      if (std::find(constraint.columns.begin(), constraint.columns.end(), name) !=
          constraint.columns.end()) {
        blocker = "constraint " + constraint.name;
      }
    }
    for (const auto& columns : catalog_.IndexedColumns(table)) {
      if (std::find(columns.begin(), columns.end(), name) != columns.end()) blocker = "an index";
    }
    if (referenced_.count(table.name + "." + name) > 0) blocker = "a foreign key referencing it";
    if (!blocker.empty()) {
      return Unsafe(hazard + "; with " + blocker +
                    " on the column, the new column, its indexes "
                    "and constraints and the swap must be staged by hand (see "
                    "migrations-examples/07-change-column-type)");
    }
    const std::string type = new_type.ToString();
    const std::string fresh = ChooseName(name, {}, "new");
    const std::string o = Q(name), n = Q(fresh);
    const std::string function_name = ChooseName(table.name, {"sync"}, fresh);
    const parser::QualifiedName function{table.schema, function_name};
    const std::string converted = o + "::" + type;
    PlannedStage& expand = Add(Phase::kExpand, "add-column-" + table.name + "-" + fresh);
    expand.comment = {"The column of the new type beside the old one; a trigger keeps it equal on",
                      "every INSERT and on every UPDATE of " + name + "."};
    expand.sql = {"ALTER TABLE " + table_sql + " ADD COLUMN " + n + " " + type,
                  "CREATE FUNCTION " + TableSql(function) +
                      "() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW." + n + " := NEW." +
                      converted + ";\n  RETURN NEW;\nEND $$",
                  "CREATE TRIGGER " + Q(function_name) + " BEFORE INSERT OR UPDATE OF " + o +
                      " ON " + table_sql + " FOR EACH ROW EXECUTE FUNCTION " + TableSql(function) +
                      "()"};
    const std::string drop_trigger = "DROP TRIGGER " + Q(function_name) + " ON " + table_sql;
    const std::string drop_function = "DROP FUNCTION " + TableSql(function) + "()";
    expand.rollback = {drop_trigger, drop_function,
                       "ALTER TABLE " + table_sql + " DROP COLUMN " + n};
    PlannedStage& fill = Add(Phase::kBackfill, "fill-" + table.name + "-" + fresh);
    fill.comment = {"The existing rows, converted in short batches."};
    fill.backfill =
        Backfill{BackfillTable(table), n + " = " + converted, n + " IS DISTINCT FROM " + converted};
    if (column->not_null) EnforceNotNull(table, fresh);
    PlannedStage& swap = Add(Phase::kContract, "swap-" + table.name + "-" + name);
    swap.comment = {"Deploy first the release that reads " + name + " as " + type +
                        "; then the new column takes the old one's name,",
                    "in one short transaction (ACCESS EXCLUSIVE for catalog changes only).",
                    "Runs only with --through contract; cannot be undone."};
    swap.sql = {drop_trigger, drop_function, "ALTER TABLE " + table_sql + " DROP COLUMN " + o,
                "ALTER TABLE " + table_sql + " RENAME COLUMN " + n + " TO " + o};
    swap.irreversible = true;
    swapped_.insert({table.name, name});
  }

  // --- creations -----------------------------------------------------------------------------

  void Create(const PgQuery__CreateStmt* create) {
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

  void CreateFunction(const PgQuery__CreateFunctionStmt* function) {
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

  void CreateTrigger(const PgQuery__CreateTrigStmt* trigger) {
    if (trigger->replace) {
      return Unsafe("CREATE OR REPLACE TRIGGER: the rollback would need the trigger it replaces");
    }
    PassThrough("create-trigger-" + std::string(parser::Str(trigger->trigname)),
                {"DROP TRIGGER " + Q(parser::Str(trigger->trigname)) + " ON " +
                 TableSql(parser::NameOf(trigger->relation))});
  }

  void CreateView(const PgQuery__ViewStmt* view) {
    if (view->replace) {
      return Unsafe("CREATE OR REPLACE VIEW: the rollback would need the definition it replaces");
    }
    PassThrough("create-view-" + parser::NameOf(view->view).name,
                {"DROP VIEW " + TableSql(parser::NameOf(view->view))});
  }

  MigrationPlan& plan_;
  std::size_t source_ = 0;
  rules::Catalog catalog_;
  std::set<std::string> referenced_;
  std::set<std::pair<std::string, std::string>>
      swapped_;  // table, column: type change swaps  // "table.column" that a foreign key
                 // references
  std::set<std::string> ids_;
  std::set<std::string> new_tables_;
  std::map<std::string, std::size_t> created_in_;   // new table → the stage that creates it
  std::set<std::string> added_;                     // "table.column" added by this migration
  std::map<std::string, std::size_t> needs_value_;  // added NOT NULL, no value yet
};

}  // namespace

std::string ChooseName(const std::string& table, const std::vector<std::string>& columns,
                       const std::string& suffix) {
  std::string name = table;
  for (const std::string& column : columns) name += "_" + column;
  // PostgreSQL keeps NAMEDATALEN - 1 = 63 bytes, cutting the table and column part.
  constexpr std::size_t kMax = 63;
  if (name.size() + 1 + suffix.size() > kMax) name.resize(kMax - 1 - suffix.size());
  return name + "_" + suffix;
}

std::string PlanIdFor(const std::string& path) {
  // Tools that keep one folder per migration (diesel's up.sql, Prisma's migration.sql) name
  // the migration by its folder.
  const std::filesystem::path file(path);
  const std::string stem = file.stem().string();
  const bool generic = stem == "up" || stem == "down" || stem == "migration";
  std::string id = Slug(generic && file.has_parent_path() && !file.parent_path().filename().empty()
                            ? file.parent_path().filename().string()
                            : stem);
  if (id.empty()) id = "migration";
  if (id.size() > 63) id.resize(63);
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

MigrationPlan PlanMigration(std::string_view sql, const std::string& path,
                            const std::vector<std::string>& schema) {
  MigrationPlan plan;
  plan.id = PlanIdFor(path);
  plan.source_path = path;
  plan.summary =
      "phased from " + std::filesystem::path(path).filename().string() + " by pgshift plan new";
  Planner planner(plan);
  for (const std::string& text : schema) {
    const parser::ParsedFile known = parser::ParseSql(text);
    for (const parser::Statement& statement : known.statements) {
      if (!statement.nested() && statement.node != nullptr) planner.Learn(statement.node, false);
    }
  }
  const parser::ParsedFile parsed = parser::ParseSql(sql);
  for (const parser::Statement& statement : parsed.statements) {
    if (statement.nested()) continue;
    const auto [line, column] = parser::PositionIn(sql, statement.span.begin);
    plan.sources.push_back({line, column, std::string(statement.text)});
    if (statement.node == nullptr) {
      plan.not_made_safe.push_back(
          {line, column, std::string(statement.text),
           "syntax error: " + (statement.error ? statement.error->message : std::string("?"))});
      continue;
    }
    planner.Statement(plan.sources.size() - 1, statement.node);
    planner.Learn(statement.node, true);
  }
  for (const parser::Span& meta : parsed.meta_commands) {
    const auto [line, column] = parser::PositionIn(sql, meta.begin);
    plan.not_made_safe.push_back({line, column,
                                  std::string(sql.substr(meta.begin, meta.end - meta.begin)),
                                  "a psql meta-command: the runner runs SQL only"});
  }
  if (parsed.over_limit) {
    plan.not_made_safe.push_back({0, 0, "", "the migration is too large to analyse whole"});
  }
  planner.Finish();
  std::stable_sort(plan.stages.begin(), plan.stages.end(),
                   [](const PlannedStage& a, const PlannedStage& b) { return a.phase < b.phase; });
  return plan;
}

}  // namespace pgshift::planner
