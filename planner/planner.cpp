// Statement dispatch: each statement of the migration goes to the member that stages its kind;
// statements that are safe as written pass through in expand with their inverse as rollback. The
// ALTER TABLE transformations are in alter_table.cpp, the column swaps in column_swap.cpp, the
// data changes in data_changes.cpp, indexes, drops, renames and creations in schema_objects.cpp.
#include "planner/planner.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "parser/deparse.h"
#include "parser/identifiers.h"
#include "parser/parsed_file.h"
#include "parser/source_text.h"
#include "planner/planner_sql.h"
#include "planner/statement_planner.h"

namespace pgshift::planner {

using parser::Node;
using rules::Phase;

namespace {

// "refresh mat view" for a RefreshMatViewStmt: the statement's kind, for messages.
std::string KindOf(const Node* node) {
  const ProtobufCFieldDescriptor* field =
      protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, node->node_case);
  std::string kind = field != nullptr ? field->name : "unknown";
  if (kind.size() > 5 && kind.substr(kind.size() - 5) == "_stmt") kind.resize(kind.size() - 5);
  std::replace(kind.begin(), kind.end(), '_', ' ');
  return kind;
}

}  // namespace

// The database before the migration, and each statement of it once planned.
void Planner::Learn(const Node* node, bool in_migration) {
  catalog_.Apply(node, in_migration);
  facts_.Learn(node);
  LearnDefaults(node);
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

// Columns' DEFAULT expressions, which the catalog only notes as present: a SET DEFAULT's rollback
// restores the previous one, and a renamed column's copy takes it over.
void Planner::LearnDefaults(const Node* node) {
  auto remember = [&](const std::string& table, const PgQuery__ColumnDef* column) {
    const std::string key = table + "." + std::string(parser::Str(column->colname));
    const Node* value = rules::ColumnDefault(*column);
    const auto sql = value == nullptr ? std::nullopt : parser::DeparseExpression(value);
    if (sql) {
      defaults_[key] = *sql;
    } else {
      defaults_.erase(key);
    }
  };
  if (node->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
    const std::string table = parser::NameOf(node->create_stmt->relation).name;
    for (std::size_t i = 0; i < node->create_stmt->n_table_elts; ++i) {
      const Node* element = node->create_stmt->table_elts[i];
      if (element->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        remember(table, element->column_def);
      }
    }
    return;
  }
  if (node->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) return;
  const std::string table = parser::NameOf(node->alter_table_stmt->relation).name;
  for (std::size_t i = 0; i < node->alter_table_stmt->n_cmds; ++i) {
    const auto* cmd = node->alter_table_stmt->cmds[i]->alter_table_cmd;
    if (cmd == nullptr) continue;
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && cmd->def != nullptr &&
        cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      remember(table, cmd->def->column_def);
    } else if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault) {
      const std::string key = table + "." + std::string(parser::Str(cmd->name));
      const auto sql = cmd->def == nullptr ? std::nullopt : parser::DeparseExpression(cmd->def);
      if (sql) {
        defaults_[key] = *sql;
      } else {
        defaults_.erase(key);
      }
    }
  }
}

void Planner::TakeOverName(const std::string& what, const std::string& temporary,
                           const std::string& name, const std::string& rename) {
  Contract("rename-" + temporary, rename,
           "After the drop of the old " + what + " " + name + ": the new one, built as " +
               temporary + ", takes its name (a catalog change only).");
}

void Planner::Statement(std::size_t source, const Node* node) {
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

// After the last statement: the keys' type changes, copy triggers left, columns made NOT NULL
// that nothing fills.
void Planner::Finish() {
  StageKeySwaps();
  FinishCopies();
  for (const auto& [key, pending] : needs_value_) {
    plan_.not_made_safe.push_back(
        {plan_.sources[pending].line, plan_.sources[pending].column, plan_.sources[pending].text,
         "the existing rows of " + key +
             " get no value: the migration gives the column no default and no UPDATE fills "
             "it. The plan adds it nullable and its NOT NULL stages wait (their gate) for a "
             "backfill stage written by hand"});
  }
}

void Planner::Unsafe(const std::string& reason) {
  plan_.not_made_safe.push_back({Source().line, Source().column, Text(), reason});
}

PlannedStage& Planner::Add(Phase phase, const std::string& name) {
  // 56 leaves room for "-2" ... "-999999" within a stage id's 63 characters.
  const std::string id = CutAtWord(Slug(name), 56);
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
void Planner::PassThrough(const std::string& name, std::vector<std::string> rollback,
                          Phase phase) {
  PlannedStage& stage = Add(phase, name);
  stage.comment.push_back("As written in the migration: safe while the application runs.");
  stage.sql.push_back(Text());
  stage.rollback = std::move(rollback);
}

void Planner::Contract(const std::string& name, const std::string& sql, const std::string& deploy) {
  PlannedStage& stage = Add(Phase::kContract, name);
  stage.comment = {deploy, "Runs only with --through contract; cannot be undone."};
  stage.sql.push_back(sql);
  stage.irreversible = true;
}

// A statement on a table this migration creates joins the stage that creates it: the table is
// empty and unknown to the running application, and the stage's lint sees it as new. Its
// rollback, DROP TABLE, undoes this statement too.
void Planner::JoinCreation(const parser::QualifiedName& table) {
  auto found = created_in_.find(table.ToString());
  if (found == created_in_.end()) found = created_in_.find(table.name);
  if (found == created_in_.end()) return Unsafe("the table's creation was not staged");
  plan_.stages[found->second].sql.push_back(Text());
}


// A column an earlier type change of this migration swaps out at contract ("events.count"),
// when the statement names both it and its table; empty otherwise.
std::string Planner::NamesSwappedColumn() const {
  if (swapped_.empty()) return "";
  std::set<std::string> names;
  for (const auto& identifier : parser::WrittenIdentifiers(Text())) names.insert(identifier.name);
  for (const auto& [table, column] : swapped_) {
    if (names.count(table) > 0 && names.count(column) > 0) return table + "." + column;
  }
  return "";
}

bool Planner::IsNew(const parser::QualifiedName& table) const {
  return new_tables_.count(table.ToString()) > 0 || new_tables_.count(table.name) > 0;
}

void Planner::VariableSet(const PgQuery__VariableSetStmt* set) {
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
  std::string id = CutAtWord(
      Slug(generic && file.has_parent_path() && !file.parent_path().filename().empty()
               ? file.parent_path().filename().string()
               : stem),
      63);
  if (id.empty()) id = "migration";
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
