#include "rules/analysis/catalog.h"

#include <algorithm>
#include <utility>

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
  if (out.kind == ConstraintKind::kCheck) {
    parser::VisitNodes(c.raw_expr, [&](const Node& node) {
      if (node.node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
      const std::vector<std::string> parts = parser::StringList(node.column_ref->fields, node.column_ref->n_fields);
      if (!parts.empty()) out.columns.push_back(parts.back());
    });
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
  column.not_null = ColumnIsNotNull(def);
  column.has_default = ColumnDefault(def) != nullptr;
  return column;
}

void AddColumn(CatalogTable& table, const PgQuery__ColumnDef& def, bool is_new) {
  table.columns.push_back(ColumnFrom(def, is_new));
  for (std::size_t i = 0; i < def.n_constraints; ++i) {
    const Node* node = def.constraints[i];
    if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && IsTableConstraint(*node->constraint)) {
      table.constraints.push_back(ConstraintFrom(*node->constraint, Str(def.colname)));
    }
  }
}

CatalogTable Named(QualifiedName name, bool is_new) {
  CatalogTable table;
  table.name = std::move(name);
  table.is_new = is_new;
  return table;
}

}  // namespace

std::vector<std::string> IndexColumns(const PgQuery__IndexStmt& index) {
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < index.n_index_params; ++i) {
    const Node* param = index.index_params[i];
    columns.emplace_back(param->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM
                             ? Str(param->index_elem->name)
                             : std::string_view());
  }
  return columns;
}

std::string NotNullCheckColumn(const Node* expression) {
  if (expression == nullptr || expression->node_case != PG_QUERY__NODE__NODE_NULL_TEST) return {};
  const auto* test = expression->null_test;
  if (test->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || test->arg == nullptr ||
      test->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) {
    return {};
  }
  const auto* ref = test->arg->column_ref;
  if (ref->n_fields != 1) return {};
  return std::string(parser::StringValue(ref->fields[0]));
}

bool ColumnIsNotNull(const PgQuery__ColumnDef& column) {
  if (column.is_not_null) return true;
  for (std::size_t i = 0; i < column.n_constraints; ++i) {
    const Node* node = column.constraints[i];
    if (node->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
    const auto type = node->constraint->contype;
    if (type == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL ||
        type == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
      return true;
    }
  }
  return false;
}

const Node* ColumnDefault(const PgQuery__ColumnDef& column) {
  if (column.raw_default != nullptr) return column.raw_default;
  for (std::size_t i = 0; i < column.n_constraints; ++i) {
    const Node* node = column.constraints[i];
    if (node->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
        node->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) {
      return node->constraint->raw_expr;
    }
  }
  return nullptr;
}

const CatalogColumn* CatalogTable::FindColumn(std::string_view column) const {
  if (!column_positions.empty() && columns_indexed == columns.size()) {
    const auto it = column_positions.find(column);
    if (it == column_positions.end()) return nullptr;
    if (it->second < columns.size() && columns[it->second].name == column) return &columns[it->second];
  }
  for (const CatalogColumn& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

void CatalogTable::ReindexColumns(bool rebuild) {
  constexpr std::size_t kIndexFrom = 32;  // below this, a linear search is as fast
  if (columns.size() < kIndexFrom) {
    column_positions.clear();
    columns_indexed = 0;
    return;
  }
  if (rebuild || columns_indexed > columns.size()) {
    column_positions.clear();
    columns_indexed = 0;
  }
  // emplace keeps the first position of a repeated name, as the linear search finds it.
  for (; columns_indexed < columns.size(); ++columns_indexed)
    column_positions.emplace(columns[columns_indexed].name, columns_indexed);
}

CatalogColumn* CatalogTable::FindColumn(std::string_view column) {
  return const_cast<CatalogColumn*>(std::as_const(*this).FindColumn(column));
}

bool CatalogTable::IsNewColumn(std::string_view column) const {
  const CatalogColumn* known = FindColumn(column);
  return known != nullptr && known->is_new;
}

bool CatalogTable::HasValidatedNotNullCheck(std::string_view column) const {
  return std::any_of(constraints.begin(), constraints.end(), [&](const CatalogConstraint& c) {
    return c.kind == ConstraintKind::kCheck && c.validated && c.not_null_column == column;
  });
}

bool CatalogTable::KnownNotNull(std::string_view column) const {
  const CatalogColumn* c = FindColumn(column);
  return (c != nullptr && c->not_null) || HasValidatedNotNullCheck(column);
}

const CatalogConstraint* CatalogTable::FindConstraint(std::string_view name) const {
  for (const CatalogConstraint& c : constraints) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const std::vector<std::uint64_t>* CatalogNameIndex::Find(std::string_view name) const {
  const auto found = ids.find(name);
  return found == ids.end() ? nullptr : &found->second;
}

namespace {

// Every object has its id once the index has taken in the last one appended.
template <class T>
bool Indexed(const std::vector<CopyOnWrite<T>>& items) {
  return items.empty() || items.back()->id != 0;
}

// The object with `id`, found by its rising ids; null once it is gone.
template <class T>
const T* WithId(const std::vector<CopyOnWrite<T>>& items, std::uint64_t id) {
  const auto at = std::lower_bound(
      items.begin(), items.end(), id,
      [](const CopyOnWrite<T>& item, std::uint64_t i) { return item->id < i; });
  return at != items.end() && (*at)->id == id ? &**at : nullptr;
}

// Keeps only the ids of `name` that still belong to an object of that name.
template <class T, class Key>
void Prune(CatalogNameIndex& index, const std::vector<CopyOnWrite<T>>& items,
           const std::string& name, Key key) {
  const auto found = index.ids.find(name);
  if (found == index.ids.end()) return;
  std::vector<std::uint64_t>& ids = found->second;
  const std::size_t before = ids.size();
  std::erase_if(ids, [&](std::uint64_t id) {
    const T* item = WithId(items, id);
    return item == nullptr || key(*item) != name;
  });
  index.stale -= std::min(index.stale, before - ids.size());
  if (ids.empty()) index.ids.erase(found);
}

template <class T, class Key>
void Rebuild(CatalogNameIndex& index, const std::vector<CopyOnWrite<T>>& items, Key key) {
  index.ids.clear();
  index.stale = 0;
  for (const CopyOnWrite<T>& item : items) index.ids[key(*item)].push_back(item->id);
}

// Gives the objects appended since the last time their ids; returns where they start.
template <class T>
std::size_t TakeIn(std::vector<CopyOnWrite<T>>& items, std::uint64_t& next_id) {
  std::size_t first = items.size();
  while (first > 0 && items[first - 1]->id == 0) --first;
  for (std::size_t i = first; i < items.size(); ++i) items[i].Mutable().id = next_id++;
  return first;
}

std::string TableKey(const CatalogTable& table) { return table.name.name; }
std::string IndexKey(const CatalogIndex& index) { return index.name; }
std::string IndexTableKey(const CatalogIndex& index) { return index.table.name; }

}  // namespace

const CatalogTable* Catalog::FindTable(const QualifiedName& name) const {
  // The latest definition wins: a table dropped and created again is the new one.
  if (Indexed(tables_)) {
    const std::vector<std::uint64_t>* ids = tables_by_name_.Find(name.name);
    for (std::size_t i = ids == nullptr ? 0 : ids->size(); i-- > 0;) {
      const CatalogTable* table = WithId(tables_, (*ids)[i]);
      if (table != nullptr && table->name.Matches(name)) return table;
    }
    return nullptr;
  }
  for (auto it = tables_.rbegin(); it != tables_.rend(); ++it) {
    if ((*it)->name.Matches(name)) return &**it;
  }
  return nullptr;
}

CatalogTable* Catalog::MutableTable(const QualifiedName& name) {
  const CatalogTable* found = FindTable(name);
  if (found == nullptr) return nullptr;
  // Ids rise through the tables the index has taken in; those appended since have none yet.
  auto indexed_end = tables_.end();
  while (indexed_end != tables_.begin() && (*(indexed_end - 1))->id == 0) --indexed_end;
  if (found->id != 0) {
    const auto at = std::lower_bound(
        tables_.begin(), indexed_end, found->id,
        [](const CopyOnWrite<CatalogTable>& t, std::uint64_t id) { return t->id < id; });
    if (at != indexed_end && &**at == found) return &at->Mutable();
  }
  for (auto it = tables_.rbegin(); it != tables_.rend(); ++it) {
    if (&**it == found) return &it->Mutable();
  }
  return nullptr;
}

const CatalogIndex* Catalog::FindIndex(const QualifiedName& name) const {
  if (Indexed(indexes_)) {
    const std::vector<std::uint64_t>* ids = indexes_by_name_.Find(name.name);
    for (std::size_t i = ids == nullptr ? 0 : ids->size(); i-- > 0;) {
      const CatalogIndex* index = WithId(indexes_, (*ids)[i]);
      if (index != nullptr && index->name == name.name) return index;
    }
    return nullptr;
  }
  for (auto it = indexes_.rbegin(); it != indexes_.rend(); ++it) {
    if ((*it)->name == name.name) return &**it;
  }
  return nullptr;
}

std::vector<const CatalogTable*> Catalog::TablesUsingType(std::string_view type) const {
  std::vector<const CatalogTable*> out;
  for (const CopyOnWrite<CatalogTable>& table : tables_) {
    if (std::any_of(table->columns.begin(), table->columns.end(),
                    [&](const CatalogColumn& c) { return c.type.name == type; })) {
      out.push_back(&*table);
    }
  }
  return out;
}

const CatalogConstraint* Catalog::ForeignKeyNamed(const QualifiedName& table, std::string_view name) const {
  const CatalogTable* known = FindTable(table);
  const CatalogConstraint* c = known != nullptr ? known->FindConstraint(name) : nullptr;
  const bool usable = c != nullptr && c->kind == ConstraintKind::kForeignKey && !c->references.empty() &&
                      !c->references.Matches(table);
  return usable ? c : nullptr;
}

bool Catalog::PrimaryKeyWouldScan(const QualifiedName& table, std::string_view index,
                                  bool checks_prove_not_null) const {
  const CatalogIndex* known_index = FindIndex({table.schema, std::string(index)});
  const CatalogTable* known = FindTable(table);
  if (known_index == nullptr || known == nullptr) return false;
  // Only a column the catalog knows to be nullable counts: an unknown one may well be NOT NULL.
  return std::any_of(known_index->columns.begin(), known_index->columns.end(), [&](const std::string& column) {
    const CatalogColumn* c = known->FindColumn(column);
    if (c == nullptr || c->not_null) return false;
    return !(checks_prove_not_null && known->HasValidatedNotNullCheck(column));
  });
}

bool Catalog::ProvesPartitionBound(const QualifiedName& parent, const QualifiedName& partition) const {
  if (IsNew(partition)) return true;
  const CatalogTable* known = FindTable(partition);
  if (known == nullptr) return false;
  const CatalogTable* parent_table = FindTable(parent);
  const std::vector<std::string> key =
      parent_table != nullptr ? parent_table->partition_columns : std::vector<std::string>{};
  return std::any_of(known->constraints.begin(), known->constraints.end(), [&](const CatalogConstraint& c) {
    if (c.kind != ConstraintKind::kCheck || !c.validated || c.columns.empty()) return false;
    return std::all_of(key.begin(), key.end(), [&](const std::string& column) {
      return std::find(c.columns.begin(), c.columns.end(), column) != c.columns.end();
    });
  });
}

bool Catalog::IsNew(const QualifiedName& name) const {
  if (const CatalogTable* table = FindTable(name)) return table->is_new;
  if (const CatalogIndex* index = FindIndex(name)) return index->is_new;
  return false;
}

std::vector<const CatalogTable*> Catalog::PartitionsOf(const QualifiedName& parent) const {
  std::vector<const CatalogTable*> out;
  for (const CopyOnWrite<CatalogTable>& table : tables_) {
    if (!table->partition_of.empty() && table->partition_of.Matches(parent)) {
      out.push_back(&*table);
    }
  }
  return out;
}

const CatalogType* Catalog::FindType(const QualifiedName& name) const {
  for (auto it = types_.rbegin(); it != types_.rend(); ++it) {
    if (it->name.Matches(name)) return &*it;
  }
  return nullptr;
}

bool Catalog::IsNewSchema(std::string_view name) const {
  for (auto it = schemas_.rbegin(); it != schemas_.rend(); ++it) {
    if (it->name == name) return it->is_new;
  }
  return false;
}

std::vector<std::vector<std::string>> Catalog::IndexedColumns(const QualifiedName& name) const {
  std::vector<std::vector<std::string>> out;
  if (Indexed(indexes_)) {
    if (const std::vector<std::uint64_t>* ids = indexes_by_table_.Find(name.name)) {
      for (const std::uint64_t id : *ids) {
        const CatalogIndex* index = WithId(indexes_, id);
        if (index != nullptr && index->table.Matches(name)) out.push_back(index->columns);
      }
    }
  } else {
    for (const CopyOnWrite<CatalogIndex>& index : indexes_) {
      if (index->table.Matches(name)) out.push_back(index->columns);
    }
  }
  if (const CatalogTable* table = FindTable(name)) {
    for (const CatalogConstraint& c : table->constraints) {
      if (c.kind == ConstraintKind::kPrimaryKey || c.kind == ConstraintKind::kUnique ||
          c.kind == ConstraintKind::kExclusion) {
        out.push_back(c.columns);
      }
    }
  }
  return out;
}

void Catalog::MarkAllReleased() {
  // Only what is new is changed, so that the tables stay shared with the catalog copied from.
  for (CopyOnWrite<CatalogTable>& table : tables_) {
    if (!table->is_new && std::none_of(table->columns.begin(), table->columns.end(),
                                       [](const CatalogColumn& c) { return c.is_new; })) {
      continue;
    }
    table.Mutable().is_new = false;
    for (CatalogColumn& column : table.Mutable().columns) column.is_new = false;
  }
  for (CopyOnWrite<CatalogIndex>& index : indexes_) {
    if (index->is_new) index.Mutable().is_new = false;
  }
  for (CatalogType& type : types_) type.is_new = false;
  for (Schema& schema : schemas_) schema.is_new = false;
}

void Catalog::Reindex(const Node& statement, std::size_t tables_before,
                      std::size_t indexes_before) {
  // New objects are appended: give them ids, in order, and index them.
  const std::size_t new_tables = TakeIn(tables_, next_id_);
  for (std::size_t i = new_tables; i < tables_.size(); ++i)
    tables_by_name_.ids[TableKey(*tables_[i])].push_back(tables_[i]->id);
  const std::size_t new_indexes = TakeIn(indexes_, next_id_);
  for (std::size_t i = new_indexes; i < indexes_.size(); ++i) {
    indexes_by_name_.ids[IndexKey(*indexes_[i])].push_back(indexes_[i]->id);
    indexes_by_table_.ids[IndexTableKey(*indexes_[i])].push_back(indexes_[i]->id);
  }
  const std::size_t tables_gone =
      tables_before > tables_.size() ? tables_before - tables_.size() : 0;
  const std::size_t indexes_gone =
      indexes_before > indexes_.size() ? indexes_before - indexes_.size() : 0;
  if (statement.node_case == PG_QUERY__NODE__NODE_RENAME_STMT) {
    // Names changed in place.
    Rebuild(tables_by_name_, tables_, TableKey);
    Rebuild(indexes_by_name_, indexes_, IndexKey);
    Rebuild(indexes_by_table_, indexes_, IndexTableKey);
    return;
  }
  tables_by_name_.stale += tables_gone;
  indexes_by_name_.stale += indexes_gone;
  indexes_by_table_.stale += indexes_gone;
  if (statement.node_case == PG_QUERY__NODE__NODE_DROP_STMT) {
    // Prune the names dropped, so that a name created and dropped over and over stays short.
    const PgQuery__DropStmt& drop = *statement.drop_stmt;
    for (std::size_t i = 0; i < drop.n_objects; ++i) {
      if (drop.objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
      const std::string name = parser::NameOfList(parser::StringList(drop.objects[i]->list)).name;
      Prune(tables_by_name_, tables_, name, TableKey);
      Prune(indexes_by_name_, indexes_, name, IndexKey);
      Prune(indexes_by_table_, indexes_, name, IndexTableKey);
    }
  }
  if (tables_by_name_.stale > tables_.size() / 2 + 1024) Rebuild(tables_by_name_, tables_, TableKey);
  if (indexes_by_name_.stale > indexes_.size() / 2 + 1024) {
    Rebuild(indexes_by_name_, indexes_, IndexKey);
    Rebuild(indexes_by_table_, indexes_, IndexTableKey);
  }
}

void Catalog::Apply(const Node* statement, bool is_new) {
  if (statement == nullptr) return;
  const std::size_t tables = tables_.size(), indexes = indexes_.size();
  ApplyStatement(*statement, is_new);
  Reindex(*statement, tables, indexes);
}

void Catalog::ApplyStatement(const Node& node, bool is_new) {
  const Node* statement = &node;
  switch (statement->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      ApplyCreate(*statement->create_stmt, is_new);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (statement->create_table_as_stmt->into != nullptr) {
        tables_.push_back(Named(parser::NameOf(statement->create_table_as_stmt->into->rel), is_new));
      }
      break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      tables_.push_back(Named(parser::NameOf(statement->view_stmt->view), is_new));
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: {
      const auto* index = statement->index_stmt;
      const QualifiedName table = parser::NameOf(index->relation);
      // An index on a new table is as new as its table.
      indexes_.push_back(CatalogIndex{std::string(Str(index->idxname)), table,
                                      static_cast<bool>(index->unique), is_new || IsNew(table),
                                      IndexColumns(*index)});
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      schemas_.push_back({std::string(Str(statement->create_schema_stmt->schemaname)), is_new});
      break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: {
      const auto* create = statement->create_enum_stmt;
      types_.push_back(
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
      ApplyRename(*statement->rename_stmt);
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
        std::erase_if(table->columns, [&](const CatalogColumn& c) { return c.name == name; });
        table->ReindexColumns(true);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        if (column != nullptr && cmd.def != nullptr &&
            cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          column->type = parser::TypeSpecOf(cmd.def->column_def->type_name);
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
  auto it = std::find_if(types_.rbegin(), types_.rend(),
                         [&](const CatalogType& t) { return t.name.Matches(name); });
  if (it == types_.rend()) return;
  std::vector<std::string>& labels = it->labels;
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

void Catalog::ApplyRename(const PgQuery__RenameStmt& rename) {
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
      for (Schema& schema : schemas_) {
        if (schema.name == Str(rename.subname)) schema.name = new_name;
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
      if (rename.object != nullptr && rename.object->node_case == PG_QUERY__NODE__NODE_LIST) {
        const QualifiedName type = parser::NameOfList(parser::StringList(rename.object->list));
        for (CatalogType& t : types_) {
          if (t.name.Matches(type)) t.name.name = new_name;
        }
      }
      break;
    default:
      break;
  }
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
        std::erase_if(tables_, [&](const auto& t) { return t->name.Matches(name); });
        std::erase_if(indexes_, [&](const auto& x) { return x->table.Matches(name); });
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        std::erase_if(indexes_, [&](const auto& x) { return x->name == name.name; });
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
      std::erase_if(types_, [&](const CatalogType& t) { return t.name.Matches(name); });
    }
  }
  // DROP SCHEMA names plain strings, not lists.
  if (drop.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
    for (const std::string& schema : parser::StringList(drop.objects, drop.n_objects)) {
      std::erase_if(schemas_, [&](const Schema& s) { return s.name == schema; });
    }
  }
}

}  // namespace pgshift::rules
