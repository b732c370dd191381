// How each statement changes the catalog: tables, columns, constraints, indexes, enum types and
// schemas created, altered, renamed and dropped.
#include <algorithm>
#include <utility>

#include "rules/analysis/catalog.h"
#include "rules/analysis/vanished_targets.h"

namespace pgshift::rules {
namespace {

using parser::Node;
using parser::QualifiedName;
using parser::Str;

CatalogConstraint ConstraintFrom(const PgQuery__Constraint& c, std::string_view column) {
  CatalogConstraint out;
  out.name = Str(c.conname);
  switch (c.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      out.kind = ConstraintKind::kCheck;
      out.not_null_column = NotNullCheckColumn(c.raw_expr);
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      out.kind = ConstraintKind::kForeignKey;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      out.kind = ConstraintKind::kUnique;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      out.kind = ConstraintKind::kPrimaryKey;
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      out.kind = ConstraintKind::kExclusion;
      break;
    default:
      break;
  }
  out.validated = !c.skip_validation;
  out.columns = parser::StringList(c.keys, c.n_keys);
  if (out.kind == ConstraintKind::kForeignKey) {
    out.columns = parser::StringList(c.fk_attrs, c.n_fk_attrs);
    if (c.pktable != nullptr) out.references = parser::NameOf(c.pktable);
  }
  if (out.kind == ConstraintKind::kCheck) AddColumnsRead(c.raw_expr, out.columns);
  if (out.kind == ConstraintKind::kExclusion) {
    // (element, operator) pairs; an element is a column or an expression.
    for (std::size_t i = 0; i < c.n_exclusions; ++i) {
      const Node* pair = c.exclusions[i];
      if (pair->node_case != PG_QUERY__NODE__NODE_LIST || pair->list->n_items == 0 ||
          pair->list->items[0]->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM) {
        continue;
      }
      const PgQuery__IndexElem& elem = *pair->list->items[0]->index_elem;
      out.columns.emplace_back(Str(elem.name));
      if (elem.expr != nullptr) out.computed = true;
      AddColumnsRead(elem.expr, out.also_reads);
    }
    out.partial = c.where_clause != nullptr;
    out.where_not_null = NotNullTestsOnly(c.where_clause).value_or(std::vector<std::string>{});
    out.computed = out.computed || out.partial;
    AddColumnsRead(c.where_clause, out.also_reads);
  }
  if (out.columns.empty() && !column.empty()) out.columns.emplace_back(column);
  return out;
}

bool IsTableConstraint(const PgQuery__Constraint& c) {
  switch (c.contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      return true;
    default:
      return false;
  }
}

CatalogColumn ColumnFrom(const PgQuery__ColumnDef& def, bool is_new) {
  CatalogColumn column;
  column.is_new = is_new;
  column.name = Str(def.colname);
  column.type = parser::TypeSpecOf(def.type_name);
  column.collation = parser::CollationOf(def);
  column.not_null = ColumnIsNotNull(def);
  column.has_default = ColumnDefault(def) != nullptr;
  return column;
}

void AddColumn(CatalogTable& table, const PgQuery__ColumnDef& def, bool is_new) {
  std::erase(table.dropped_columns, std::string(Str(def.colname)));
  table.columns.push_back(ColumnFrom(def, is_new));
  for (std::size_t i = 0; i < def.n_constraints; ++i) {
    const Node* node = def.constraints[i];
    if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && IsTableConstraint(*node->constraint)) {
      table.constraints.push_back(ConstraintFrom(*node->constraint, Str(def.colname)));
    }
  }
}

// Whether a query reads rows from somewhere (a FROM clause in it or in an arm of its set
// operation), rather than listing them (VALUES, a SELECT of constants).
bool SelectReadsRows(const PgQuery__SelectStmt* select) {
  if (select == nullptr) return false;
  if (select->larg != nullptr || select->rarg != nullptr)
    return SelectReadsRows(select->larg) || SelectReadsRows(select->rarg);
  return select->n_from_clause > 0;
}

bool ReadsRows(const Node* query) {
  return query != nullptr && query->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
         SelectReadsRows(query->select_stmt);
}

CatalogTable Named(QualifiedName name, bool is_new) {
  CatalogTable table;
  table.name = std::move(name);
  table.is_new = is_new;
  return table;
}

}  // namespace

void Catalog::Apply(const Node* statement, bool is_new) {
  if (statement == nullptr) return;
  released_ = false;
  const std::size_t tables = tables_.size(), indexes = indexes_.size();
  ApplyStatement(*statement, is_new);
  Reindex(*statement, tables, indexes);
}

void Catalog::ApplyStatement(const Node& node, bool is_new) {
  const Node* statement = &node;
  // ALTER TABLE IF EXISTS of a dropped table changes nothing (and must not bring it back).
  if (AlteredAfterDrop(statement, *this)) return;
  switch (statement->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      ApplyCreate(*statement->create_stmt, is_new);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (const auto* into = statement->create_table_as_stmt->into; into != nullptr) {
        CatalogTable table = Named(parser::NameOf(into->rel), is_new);
        table.filled = is_new && !into->skip_data && ReadsRows(statement->create_table_as_stmt->query);
        tables_.push_back(std::move(table));
      }
      break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:  // SELECT ... INTO t creates t, as CREATE TABLE AS
      if (statement->select_stmt->into_clause != nullptr &&
          statement->select_stmt->into_clause->rel != nullptr) {
        CatalogTable table = Named(parser::NameOf(statement->select_stmt->into_clause->rel), is_new);
        table.filled = is_new && ReadsRows(statement);
        tables_.push_back(std::move(table));
      }
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      if (ReadsRows(statement->insert_stmt->select_stmt)) {
        MarkFilled(parser::NameOf(statement->insert_stmt->relation));
      }
      break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      if (statement->copy_stmt->is_from && statement->copy_stmt->relation != nullptr) {
        MarkFilled(parser::NameOf(statement->copy_stmt->relation));
      }
      break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      tables_.push_back(Named(parser::NameOf(statement->view_stmt->view), is_new));
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: {
      const auto* index = statement->index_stmt;
      const QualifiedName table = parser::NameOf(index->relation);
      // IF NOT EXISTS of an index the table has: PostgreSQL skips it, the old definition stays.
      if (index->if_not_exists) {
        const CatalogIndex* same = FindIndex({table.schema, std::string(Str(index->idxname))});
        if (same != nullptr && same->table.Matches(table)) break;
      }
      // An index on a new table is as new as its table.
      CatalogIndex built{std::string(Str(index->idxname)), table, static_cast<bool>(index->unique),
                         is_new || IsNew(table), IndexColumns(*index)};
      RecordIndexKeys(*index, built);
      indexes_.push_back(std::move(built));
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      schemas_.Mutable().push_back(
          {std::string(Str(statement->create_schema_stmt->schemaname)), is_new});
      break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: {
      const auto* create = statement->create_enum_stmt;
      types_.Mutable().push_back(
          {parser::NameOfList(parser::StringList(create->type_name, create->n_type_name)),
           parser::StringList(create->vals, create->n_vals), is_new});
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
      ApplyEnum(*statement->alter_enum_stmt);
      break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      ApplyAlter(*statement->alter_table_stmt, is_new);
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      ApplyRename(*statement->rename_stmt, is_new);
      break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      ApplyDrop(*statement->drop_stmt);
      break;
    default:
      break;
  }
}

void Catalog::ApplyCreate(const PgQuery__CreateStmt& create, bool is_new) {
  CatalogTable table;
  table.name = parser::NameOf(create.relation);
  // IF NOT EXISTS leaves a known table as it is; otherwise the new definition replaces the old
  // one (the server would refuse the second CREATE, so the history we know is incomplete).
  if (const CatalogTable* known = FindTable(table.name)) {
    if (create.if_not_exists && !known->partial) return;
    std::erase_if(tables_, [&](const auto& t) { return t->name.Matches(table.name); });
  }
  table.is_new = is_new;
  table.partitioned = create.partspec != nullptr;
  if (create.partbound != nullptr && create.n_inh_relations == 1 &&
      create.inh_relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
    table.partition_of = parser::NameOf(create.inh_relations[0]->range_var);
  }
  if (create.partspec != nullptr) {
    for (std::size_t i = 0; i < create.partspec->n_part_params; ++i) {
      const Node* param = create.partspec->part_params[i];
      if (param->node_case == PG_QUERY__NODE__NODE_PARTITION_ELEM && param->partition_elem->name != nullptr) {
        table.partition_columns.emplace_back(param->partition_elem->name);
      }
    }
  }
  for (std::size_t i = 0; i < create.n_table_elts; ++i) {
    const Node* element = create.table_elts[i];
    if (element->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      AddColumn(table, *element->column_def, is_new);
    } else if (element->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
               IsTableConstraint(*element->constraint)) {
      table.constraints.push_back(ConstraintFrom(*element->constraint, {}));
    }
  }
  // Primary key columns are NOT NULL.
  for (const CatalogConstraint& constraint : table.constraints) {
    if (constraint.kind != ConstraintKind::kPrimaryKey) continue;
    for (const std::string& name : constraint.columns) {
      if (CatalogColumn* column = table.FindColumn(name)) column->not_null = true;
    }
  }
  table.ReindexColumns(true);
  tables_.push_back(std::move(table));
}

void Catalog::ApplyAlter(const PgQuery__AlterTableStmt& alter, bool is_new) {
  CatalogTable* table = MutableTable(parser::NameOf(alter.relation));
  if (table == nullptr) {
    // A table from before the history we know: remember what this statement tells of it.
    CatalogTable partial = Named(parser::NameOf(alter.relation), false);
    partial.partial = true;
    tables_.push_back(std::move(partial));
    table = &tables_.back().Mutable();
  }
  for (std::size_t i = 0; i < alter.n_cmds; ++i) {
    if (alter.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const auto& cmd = *alter.cmds[i]->alter_table_cmd;
    const std::string_view name = Str(cmd.name);
    CatalogColumn* column = table->FindColumn(name);
    switch (cmd.subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          AddColumn(*table, *cmd.def->column_def, is_new);
          table->ReindexColumns(false);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        if (column != nullptr) {
          std::erase_if(table->columns, [&](const CatalogColumn& c) { return c.name == name; });
          table->ReindexColumns(true);
        }
        // The indexes and the table's own constraints on the column go with it.
        std::erase_if(indexes_, [&](const auto& x) {
          if (!x->table.Matches(table->name) ||
              std::find(x->columns.begin(), x->columns.end(), name) == x->columns.end()) {
            return false;
          }
          dropped_.Push({x->table.schema, x->name});
          return true;
        });
        std::erase_if(table->constraints, [&](const CatalogConstraint& c) {
          return std::find(c.columns.begin(), c.columns.end(), name) != c.columns.end();
        });
        // Gone after the statement, whether or not the catalog knew it.
        if (std::find(table->dropped_columns.begin(), table->dropped_columns.end(), name) ==
            table->dropped_columns.end()) {
          table->dropped_columns.emplace_back(name);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        if (column != nullptr && cmd.def != nullptr &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          if (is_new && !column->is_new && !column->released_type) {
            column->released_type = column->type;
          }
          column->type = parser::TypeSpecOf(cmd.def->column_def->type_name);
          // Without COLLATE the column takes the new type's default collation.
          column->collation = parser::CollationOf(*cmd.def->column_def);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        if (column != nullptr) column->not_null = true;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        if (column != nullptr) column->not_null = false;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        if (column != nullptr) column->has_default = cmd.def != nullptr;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            IsTableConstraint(*cmd.def->constraint)) {
          table->constraints.push_back(ConstraintFrom(*cmd.def->constraint, {}));
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
        for (CatalogConstraint& c : table->constraints) {
          if (c.name == name) c.validated = true;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
        if (cmd.def != nullptr && cmd.def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD) {
          const QualifiedName child = parser::NameOf(cmd.def->partition_cmd->name);
          const bool attach = cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition;
          if (CatalogTable* known = MutableTable(child)) {
            known->partition_of = attach ? table->name : QualifiedName{};
          }
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        std::erase_if(table->constraints,
                      [&](const CatalogConstraint& c) { return c.name == name; });
        break;
      default:
        break;
    }
  }
}

void Catalog::ApplyEnum(const PgQuery__AlterEnumStmt& alter) {
  const QualifiedName name =
      parser::NameOfList(parser::StringList(alter.type_name, alter.n_type_name));
  const auto found = std::find_if(types_->rbegin(), types_->rend(),
                                  [&](const CatalogType& t) { return t.name.Matches(name); });
  if (found == types_->rend()) return;
  const std::size_t at_type = static_cast<std::size_t>(types_->rend() - found) - 1;
  std::vector<std::string>& labels = types_.Mutable()[at_type].labels;
  const std::string value(Str(alter.new_val));
  if (alter.old_val != nullptr && *alter.old_val != '\0') {  // RENAME VALUE
    std::replace(labels.begin(), labels.end(), std::string(Str(alter.old_val)), value);
    return;
  }
  if (std::find(labels.begin(), labels.end(), value) != labels.end()) return;
  auto at = std::find(labels.begin(), labels.end(), std::string(Str(alter.new_val_neighbor)));
  if (at == labels.end()) {
    labels.push_back(value);
  } else {
    labels.insert(alter.new_val_is_after ? at + 1 : at, value);
  }
}

void Catalog::ApplyRename(const PgQuery__RenameStmt& rename, bool is_new) {
  const QualifiedName old_name = parser::NameOf(rename.relation);
  const std::string new_name = std::string(Str(rename.newname));
  switch (rename.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      if (CatalogTable* table = MutableTable(old_name)) table->name.name = new_name;
      for (CopyOnWrite<CatalogIndex>& index : indexes_) {
        if (index->table.Matches(old_name)) index.Mutable().table.name = new_name;
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      for (auto it = indexes_.rbegin(); it != indexes_.rend(); ++it) {
        if ((*it)->name == old_name.name) {
          it->Mutable().name = new_name;
          break;
        }
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      if (CatalogTable* table = MutableTable(old_name)) {
        if (CatalogColumn* column = table->FindColumn(Str(rename.subname))) {
          if (is_new && !column->is_new && column->released_name.empty()) {
            column->released_name = column->name;
          }
          column->name = new_name;
          table->ReindexColumns(true);
        }
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
      if (CatalogTable* table = MutableTable(old_name)) {
        for (CatalogConstraint& c : table->constraints) {
          if (c.name == Str(rename.subname)) c.name = new_name;
        }
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      for (Schema& schema : schemas_.Mutable()) {
        if (schema.name == Str(rename.subname)) schema.name = new_name;
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      if (rename.object != nullptr && rename.object->node_case == PG_QUERY__NODE__NODE_LIST) {
        const QualifiedName type = parser::NameOfList(parser::StringList(rename.object->list));
        for (CatalogType& t : types_.Mutable()) {
          if (t.name.Matches(type)) t.name.name = new_name;
        }
        // The columns of the type keep it under its new name; what the deployed version knows
        // it by is the name it had, as for a type change.
        std::vector<QualifiedName> users;
        for (const CatalogTable* table : TablesUsingType(type.name)) users.push_back(table->name);
        for (const QualifiedName& user : users) {
          for (CatalogColumn& column : MutableTable(user)->columns) {
            if (column.type.name != type.name) continue;
            if (is_new && !column.is_new && !column.released_type)
              column.released_type = column.type;
            column.type.name = new_name;
          }
        }
      }
      break;
    default:
      break;
  }
}

void Catalog::MarkFilled(const QualifiedName& name) {
  const CatalogTable* table = FindTable(name);
  if (table != nullptr && table->is_new && !table->filled) MutableTable(name)->filled = true;
}

void Catalog::ApplyDrop(const PgQuery__DropStmt& drop) {
  for (std::size_t i = 0; i < drop.n_objects; ++i) {
    const Node* object = drop.objects[i];
    if (object->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    const QualifiedName name = parser::NameOfList(parser::StringList(object->list));
    switch (drop.remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        if (std::erase_if(tables_, [&](const auto& t) { return t->name.Matches(name); }) > 0) {
          dropped_.Push(name);
        }
        std::erase_if(indexes_, [&](const auto& x) {
          if (!x->table.Matches(name)) return false;
          dropped_.Push({x->table.schema, x->name});
          return true;
        });
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        if (std::erase_if(indexes_, [&](const auto& x) { return x->name == name.name; }) > 0) {
          dropped_.Push(name);
        }
        break;
      default:
        break;
    }
  }
  // DROP TYPE names TypeNames, not lists.
  if (drop.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
    for (std::size_t i = 0; i < drop.n_objects; ++i) {
      if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) continue;
      const auto* type = drop.objects[i]->type_name;
      const QualifiedName name = parser::NameOfList(parser::StringList(type->names, type->n_names));
      std::erase_if(types_.Mutable(), [&](const CatalogType& t) { return t.name.Matches(name); });
    }
  }
  // DROP SCHEMA names plain strings, not lists.
  if (drop.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
    for (const std::string& schema : parser::StringList(drop.objects, drop.n_objects)) {
      std::erase_if(schemas_.Mutable(), [&](const Schema& s) { return s.name == schema; });
    }
  }
}

}  // namespace pgshift::rules
