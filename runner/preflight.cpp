#include "runner/preflight.h"

#include <optional>

#include "parser/ast.h"
#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"
#include "runner/backfill_copy.h"
#include "runner/backfill_key.h"
#include "runner/snapshot.h"

namespace pgshift::runner {
namespace {

using parser::Node;
using parser::QualifiedName;

std::string OneLine(std::string sql) {
  for (char& c : sql) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return sql.size() > 100 ? sql.substr(0, 97) + "..." : sql;
}

QualifiedName WrittenName(const std::string& written) {
  const std::vector<std::string> parts = NameParts(written);
  return parser::NameOfList(parts);
}

// What one statement needs from the catalog as it stands before it runs, checked by name.
class Needs {
 public:
  explicit Needs(const rules::Catalog& catalog) : catalog_(catalog) {}

  // The first thing `node` names that does not exist, described; nullopt when all do.
  std::optional<std::string> Missing(const Node* node) {
    switch (node->node_case) {
      case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
        const auto& alter = *node->alter_table_stmt;
        if (alter.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || alter.missing_ok) break;
        for (std::size_t i = 0; i < alter.n_cmds; ++i) {
          const auto* cmd = alter.cmds[i]->alter_table_cmd;
          if (cmd == nullptr || cmd->missing_ok || !NamesExistingColumn(cmd->subtype)) continue;
          if (auto missing = Column(parser::NameOf(alter.relation), parser::Str(cmd->name)))
            return missing;
        }
        return Table(parser::NameOf(alter.relation));
      }
      case PG_QUERY__NODE__NODE_RENAME_STMT: {
        const auto& rename = *node->rename_stmt;
        if (rename.missing_ok || rename.relation == nullptr) break;
        if (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN)
          return Column(parser::NameOf(rename.relation), parser::Str(rename.subname));
        if (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
          return Table(parser::NameOf(rename.relation));
        break;
      }
      case PG_QUERY__NODE__NODE_INDEX_STMT: {
        const auto& index = *node->index_stmt;
        const QualifiedName table = parser::NameOf(index.relation);
        for (std::size_t i = 0; i < index.n_index_params; ++i) {
          const auto* elem = index.index_params[i]->index_elem;
          if (elem == nullptr || parser::Str(elem->name).empty()) continue;
          if (auto missing = Column(table, parser::Str(elem->name))) return missing;
        }
        return Table(table);
      }
      case PG_QUERY__NODE__NODE_UPDATE_STMT: {
        const auto& update = *node->update_stmt;
        return Targets(parser::NameOf(update.relation), update.target_list, update.n_target_list);
      }
      case PG_QUERY__NODE__NODE_INSERT_STMT: {
        const auto& insert = *node->insert_stmt;
        return Targets(parser::NameOf(insert.relation), insert.cols, insert.n_cols);
      }
      case PG_QUERY__NODE__NODE_DELETE_STMT:
        return Table(parser::NameOf(node->delete_stmt->relation));
      default:
        break;
    }
    return std::nullopt;
  }

  std::optional<std::string> Table(const QualifiedName& name) {
    if (name.empty() || catalog_.FindTable(name) != nullptr) return std::nullopt;
    return "table `" + name.ToString() + "` does not exist, and no earlier statement creates it";
  }

  std::optional<std::string> Column(const QualifiedName& table, std::string_view column) {
    if (auto missing = Table(table)) return missing;
    const rules::CatalogTable* found = catalog_.FindTable(table);
    if (found == nullptr || found->partial || column.empty() || found->FindColumn(column) != nullptr)
      return std::nullopt;
    return "column `" + std::string(column) + "` of table `" + table.ToString() +
           "` does not exist, and no earlier statement adds it";
  }

 private:
  static bool NamesExistingColumn(PgQuery__AlterTableType type) {
    switch (type) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        return true;
      default:
        return false;
    }
  }

  std::optional<std::string> Targets(const QualifiedName& table, Node* const* targets,
                                     std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      const auto* target = targets[i]->res_target;
      if (target == nullptr) continue;
      if (auto missing = Column(table, parser::Str(target->name))) return missing;
    }
    return Table(table);
  }

  const rules::Catalog& catalog_;
};

class Checker {
 public:
  Checker(Database& db, const Plan& plan, const PlanReview& review, rules::Catalog catalog)
      : db_(db), plan_(plan), review_(review), catalog_(std::move(catalog)) {}

  void CheckStage(std::size_t index, int from) {
    const runner::Stage& stage = plan_.stages[index];
    if (stage.backfill) {
      Backfill(stage);
      return;
    }
    const auto& statements = review_.stages[index].sql;
    for (std::size_t i = static_cast<std::size_t>(from); i < statements.size(); ++i) {
      const parser::ParsedFile parsed = parser::ParseSql(statements[i].sql);
      for (const parser::Statement& statement : parsed.statements) {
        if (statement.node == nullptr || statement.nested()) continue;
        if (auto missing = Needs(catalog_).Missing(statement.node)) {
          problems_.push_back("stage `" + stage.id + "` statement " + std::to_string(i + 1) +
                              " (" + plan_.path + ":" + std::to_string(statements[i].line) +
                              ", `" + OneLine(statements[i].sql) + "`): " + *missing);
        }
        catalog_.Apply(statement.node, true);
      }
    }
  }

  std::vector<std::string> problems() { return std::move(problems_); }

 private:
  void Backfill(const runner::Stage& stage) {
    const BackfillSpec& spec = *stage.backfill;
    const std::string where = "stage `" + stage.id + "` backfill (" + plan_.path + ":" +
                              std::to_string(spec.line) + ", table `" + spec.table + "`): ";
    const QualifiedName table = WrittenName(spec.table);
    // The columns the SET list names must exist; a delete names none but its table's; a copy
    // needs its target table and columns.
    const std::string probe = !spec.insert_into.empty() ? CopyProbe(spec, QuotedName(spec.table))
                              : spec.delete_rows
                                  ? ""
                                  : "UPDATE " + QuotedName(spec.table) + " SET " + spec.set;
    const parser::ParsedFile parsed = parser::ParseSql(probe);
    Needs needs(catalog_);
    std::optional<std::string> missing = needs.Table(table);
    for (const parser::Statement& statement : parsed.statements) {
      if (!missing && statement.node != nullptr) missing = needs.Missing(statement.node);
    }
    for (const std::string& column : spec.key) {
      if (!missing) missing = needs.Column(table, column);
    }
    if (missing) {
      problems_.push_back(where + *missing);
      return;
    }
    const rules::CatalogTable* found = catalog_.FindTable(table);
    if (!found->is_new) {
      // The live table: the runner's own key check, as the backfill will make it.
      auto key = BackfillKey(db_, spec.table, spec.key);
      if (const auto* refused = std::get_if<std::string>(&key)) problems_.push_back(where + *refused);
      return;
    }
    if (!spec.key.empty()) return;
    for (const rules::CatalogConstraint& constraint : found->constraints) {
      if (constraint.kind == rules::ConstraintKind::kPrimaryKey) return;
    }
    problems_.push_back(where +
                        "the table an earlier stage creates has no primary key; name unique NOT "
                        "NULL columns with `key = [...]`");
  }

  Database& db_;
  const Plan& plan_;
  const PlanReview& review_;
  rules::Catalog catalog_;
  std::vector<std::string> problems_;
};

}  // namespace

DbResult<std::vector<std::string>> Preflight(Database& db, const Plan& plan,
                                             const PlanReview& review, const PlanRecord* record,
                                             std::size_t through) {
  auto snapshot = TakeSnapshot(db, "the target");
  if (const DbError* error = ErrorOf(snapshot)) return *error;
  auto catalog = rules::CatalogOf(std::get<rules::Schema>(snapshot), "the target");
  if (const auto* error = std::get_if<rules::SchemaError>(&catalog))
    return DbError{"", "cannot read the target's catalog: " + error->message};
  // Replaying parse trees recurses as deep as the parser allows.
  return parser::OnLargeStack([&] {
    Checker checker(db, plan, review, std::get<rules::Catalog>(std::move(catalog)));
    for (std::size_t i = 0; i < through && i < plan.stages.size(); ++i) {
      const StageRecord* done = record ? record->Find(plan.stages[i].id) : nullptr;
      if (done != nullptr && done->status == "done") continue;
      const bool resuming = done != nullptr && (done->status == "running" ||
                                                done->status == "interrupted" ||
                                                done->status == "failed");
      checker.CheckStage(i, resuming ? done->steps_done : 0);
    }
    return checker.problems();
  });
}

}  // namespace pgshift::runner
