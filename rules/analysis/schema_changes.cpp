#include "rules/analysis/schema_changes.h"

#include "parser/identifiers.h"

namespace pgshift::rules {
namespace {

using parser::Node;
using parser::QualifiedName;
using parser::Str;

std::string RelationKind(PgQuery__ObjectType type) {
  switch (type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      return "view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      return "materialized view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return "foreign table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      return "table";
    default:
      return "";
  }
}

// The relation a CREATE TABLE, CREATE TABLE AS or CREATE VIEW statement makes, or empty.
QualifiedName CreatedRelation(const Node* node) {
  if (node == nullptr) return {};
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      return parser::NameOf(node->create_stmt->relation);
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      return parser::NameOf(node->view_stmt->view);
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      return node->create_table_as_stmt->into != nullptr
                 ? parser::NameOf(node->create_table_as_stmt->into->rel)
                 : QualifiedName{};
    default:
      return {};
  }
}

// Whether a statement after `index` creates a relation under `name` again (a compatibility view).
bool TakenOverLater(const parser::ParsedFile& file, std::size_t index, const QualifiedName& name) {
  for (std::size_t j = index + 1; j < file.statements.size(); ++j) {
    const QualifiedName created = CreatedRelation(file.statements[j].node);
    if (!created.empty() && created.Matches(name)) return true;
  }
  return false;
}

SchemaChange Change(ChangeDirection direction, std::string verb, std::string kind,
                    QualifiedName object, std::string column = {}, std::string new_name = {}) {
  return {direction,         std::move(verb),   std::move(kind),
          std::move(object), std::move(column), std::move(new_name)};
}

}  // namespace

std::string SchemaChange::What() const {
  return kind + " " + object.ToSql() +
         (column.empty() ? "" : "." + parser::QuoteIdentifier(column));
}

std::string SchemaChange::Describe() const {
  return verb + " " + What() + (new_name.empty() ? "" : " to " + parser::QuoteIdentifier(new_name));
}

std::vector<SchemaChange> ContractChanges(const parser::ParsedFile& file, std::size_t index,
                                          const Catalog& catalog,
                                          std::vector<SchemaChange>* of_new_objects) {
  std::vector<SchemaChange> out;
  std::vector<SchemaChange> unused;
  std::vector<SchemaChange>& nobodys = of_new_objects != nullptr ? *of_new_objects : unused;
  const Node* node = file.statements[index].node;
  if (node == nullptr) return out;
  constexpr auto kContract = ChangeDirection::kContract;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      const auto& alter = *node->alter_table_stmt;
      const QualifiedName table = parser::NameOf(alter.relation);
      const CatalogTable* known = catalog.FindTable(table);
      for (std::size_t i = 0; i < alter.n_cmds; ++i) {
        if (alter.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
        const auto& cmd = *alter.cmds[i]->alter_table_cmd;
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn) {
          const std::string column(Str(cmd.name));
          const bool is_new =
              catalog.IsNew(table) || (known != nullptr && known->IsNewColumn(column));
          (is_new ? nobodys : out).push_back(Change(kContract, "drops", "column", table, column));
        }
      }
      break;
    }
    case PG_QUERY__NODE__NODE_DROP_STMT: {
      const auto& drop = *node->drop_stmt;
      const std::string kind = RelationKind(drop.remove_type);
      if (kind.empty()) break;
      for (std::size_t i = 0; i < drop.n_objects; ++i) {
        if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
        const QualifiedName name = parser::NameOfList(parser::StringList(drop.objects[i]->list));
        (catalog.IsNew(name) ? nobodys : out).push_back(Change(kContract, "drops", kind, name));
      }
      break;
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const auto& rename = *node->rename_stmt;
      if (rename.relation == nullptr) break;
      const QualifiedName relation = parser::NameOf(rename.relation);
      const bool table_is_new = catalog.IsNew(relation);
      const std::string new_name(Str(rename.newname));
      if (rename.rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
        const std::string column(Str(rename.subname));
        const CatalogTable* known = catalog.FindTable(relation);
        const bool is_new = table_is_new || (known != nullptr && known->IsNewColumn(column));
        (is_new ? nobodys : out)
            .push_back(Change(kContract, "renames", "column", relation, column, new_name));
      } else if (const std::string kind = RelationKind(rename.rename_type);
                 !kind.empty() && !TakenOverLater(file, index, relation)) {
        (table_is_new ? nobodys : out)
            .push_back(Change(kContract, "renames", kind, relation, {}, new_name));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

std::vector<SchemaChange> ExpandChanges(const Node* node) {
  std::vector<SchemaChange> out;
  if (node == nullptr) return out;
  constexpr auto kExpand = ChangeDirection::kExpand;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: {
      const auto& create = *node->create_stmt;
      // A new partition is storage for an existing table, not something new for code to use.
      if (create.partbound != nullptr || create.relation == nullptr ||
          Str(create.relation->relpersistence) == "t") {
        break;
      }
      out.push_back(Change(kExpand, "creates", "table", parser::NameOf(create.relation)));
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      const auto& alter = *node->alter_table_stmt;
      const QualifiedName table = parser::NameOf(alter.relation);
      for (std::size_t i = 0; i < alter.n_cmds; ++i) {
        if (alter.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
        const auto& cmd = *alter.cmds[i]->alter_table_cmd;
        if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && cmd.def != nullptr &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          out.push_back(Change(kExpand, "adds", "column", table,
                               std::string(Str(cmd.def->column_def->colname))));
        }
      }
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
      out.push_back(
          Change(kExpand, "creates", "type",
                 parser::NameOfList(parser::StringList(node->create_enum_stmt->type_name,
                                                       node->create_enum_stmt->n_type_name))));
      break;
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: {
      const auto& alter = *node->alter_enum_stmt;
      if (Str(alter.old_val).empty() && !Str(alter.new_val).empty()) {
        out.push_back(
            Change(kExpand, "adds", "enum value",
                   parser::NameOfList(parser::StringList(alter.type_name, alter.n_type_name)),
                   std::string(Str(alter.new_val))));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace pgshift::rules
