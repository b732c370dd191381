// Looking objects up in the catalog, and keeping its name indexes current as statements apply.
#include "rules/analysis/catalog.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pgshift::rules {

using parser::Node;
using parser::QualifiedName;

const CatalogNameIndex::Ids* CatalogNameIndex::Find(std::string_view name) const {
  if (const auto found = own.find(name); found != own.end())
    return found->second.empty() ? nullptr : &found->second;
  if (base == nullptr) return nullptr;
  const auto found = base->find(name);
  return found == base->end() ? nullptr : &found->second;
}

CatalogNameIndex::Ids& CatalogNameIndex::Entry(std::string_view name) {
  if (own.size() >= (base == nullptr ? 0 : base->size()) / 16 + 16) {
    // Merge the layers, so that copies of this index copy little again.
    if (base == nullptr) {
      base = std::make_shared<const Map>(std::move(own));
    } else {
      Map merged = *base;
      for (auto& [key, ids] : own) {
        if (ids.empty()) {
          merged.erase(key);
        } else {
          merged[key] = std::move(ids);
        }
      }
      base = std::make_shared<const Map>(std::move(merged));
    }
    own.clear();
  }
  const auto [at, added] = own.try_emplace(std::string(name));
  if (added && base != nullptr) {
    if (const auto found = base->find(name); found != base->end()) at->second = found->second;
  }
  return at->second;
}

void CatalogNameIndex::Erase(std::string_view name) {
  // An empty entry hides base's; without one in base there is nothing to hide.
  if (base == nullptr || base->find(name) == base->end()) {
    if (const auto found = own.find(name); found != own.end()) own.erase(found);
  }
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
void Prune(CopyOnWrite<CatalogNameIndex>& shared, const std::vector<CopyOnWrite<T>>& items,
           const std::string& name, Key key) {
  if (shared->Find(name) == nullptr) return;
  CatalogNameIndex& index = shared.Mutable();
  std::vector<std::uint64_t>& ids = index.Entry(name);
  const std::size_t before = ids.size();
  std::erase_if(ids, [&](std::uint64_t id) {
    const T* item = WithId(items, id);
    return item == nullptr || key(*item) != name;
  });
  index.stale -= std::min(index.stale, before - ids.size());
  if (ids.empty()) index.Erase(name);
}

// A new index in place of the old one: copying a shared one to clear it would be wasted.
template <class T, class Key>
void Rebuild(CopyOnWrite<CatalogNameIndex>& shared, const std::vector<CopyOnWrite<T>>& items,
             Key key) {
  CatalogNameIndex::Map ids;
  ids.reserve(items.size());
  for (const CopyOnWrite<T>& item : items) ids[key(*item)].push_back(item->id);
  CatalogNameIndex index;
  index.base = std::make_shared<const CatalogNameIndex::Map>(std::move(ids));
  shared = std::move(index);
}

// Objects renamed from `from` to `to`: their ids move to the new name's entry, kept in rising
// order. Rebuilding the whole index instead cost every object per rename, so a history's renames
// times its objects.
template <class T, class Key>
void Rekey(CopyOnWrite<CatalogNameIndex>& shared, const std::vector<CopyOnWrite<T>>& items,
           const std::string& from, const std::string& to, Key key) {
  if (from == to) return;
  const CatalogNameIndex::Ids* ids = shared->Find(from);
  if (ids == nullptr) return;
  std::vector<std::uint64_t> moved;
  for (const std::uint64_t id : *ids) {
    const T* item = WithId(items, id);
    if (item != nullptr && key(*item) == to) moved.push_back(id);
  }
  if (moved.empty()) return;
  CatalogNameIndex& index = shared.Mutable();
  {
    CatalogNameIndex::Ids& left = index.Entry(from);
    std::erase_if(
        left, [&](std::uint64_t id) { return std::binary_search(moved.begin(), moved.end(), id); });
    if (left.empty()) index.Erase(from);
  }
  // Entry may merge the layers: the entry of `from` is not held across it.
  CatalogNameIndex::Ids& target = index.Entry(to);
  const auto middle = static_cast<std::ptrdiff_t>(target.size());
  target.insert(target.end(), moved.begin(), moved.end());
  std::inplace_merge(target.begin(), target.begin() + middle, target.end());
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
    const std::vector<std::uint64_t>* ids = tables_by_name_->Find(name.name);
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
    const std::vector<std::uint64_t>* ids = indexes_by_name_->Find(name.name);
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

bool Catalog::WasDropped(const QualifiedName& name) const {
  if (FindTable(name) != nullptr || FindIndex(name) != nullptr) return false;
  return dropped_.AnyOf([&](const QualifiedName& gone) { return gone.Matches(name); });
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
  for (auto it = types_->rbegin(); it != types_->rend(); ++it) {
    if (it->name.Matches(name)) return &*it;
  }
  return nullptr;
}

bool Catalog::IsNewSchema(std::string_view name) const {
  for (auto it = schemas_->rbegin(); it != schemas_->rend(); ++it) {
    if (it->name == name) return it->is_new;
  }
  return false;
}

bool TableIndex::Reads(std::string_view column) const {
  const auto named = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), column) != list.end();
  };
  return named(columns) || named(also_reads);
}

std::vector<TableIndex> Catalog::IndexesOf(const QualifiedName& name) const {
  std::vector<TableIndex> out;
  const auto add = [&](const CatalogIndex& index) {
    if (index.table.Matches(name)) {
      out.push_back({.name = index.name,
                     .unique = index.unique,
                     .columns = index.columns,
                     .collations = index.collations,
                     .opclasses = index.opclasses,
                     .plain = index.plain,
                     .computed = index.computed,
                     .partial = index.partial,
                     .where_not_null = index.where_not_null,
                     .also_reads = index.also_reads});
    }
  };
  if (Indexed(indexes_)) {
    if (const std::vector<std::uint64_t>* ids = indexes_by_table_->Find(name.name)) {
      for (const std::uint64_t id : *ids) {
        if (const CatalogIndex* index = WithId(indexes_, id)) add(*index);
      }
    }
  } else {
    for (const CopyOnWrite<CatalogIndex>& index : indexes_) add(*index);
  }
  if (const CatalogTable* table = FindTable(name)) {
    for (const CatalogConstraint& c : table->constraints) {
      if (c.kind == ConstraintKind::kPrimaryKey || c.kind == ConstraintKind::kUnique ||
          c.kind == ConstraintKind::kExclusion) {
        out.push_back({.name = c.name,
                       .unique = c.kind != ConstraintKind::kExclusion,
                       .constraint = true,
                       .columns = c.columns,
                       .computed = c.computed,
                       .partial = c.partial,
                       .where_not_null = c.where_not_null,
                       .also_reads = c.also_reads});
      }
    }
  }
  return out;
}

std::vector<std::vector<std::string>> Catalog::IndexedColumns(const QualifiedName& name) const {
  std::vector<std::vector<std::string>> out;
  for (TableIndex& index : IndexesOf(name)) out.push_back(std::move(index.columns));
  return out;
}

void Catalog::MarkAllReleased() {
  if (released_) return;
  released_ = true;
  // Only what is new is changed, so that the tables stay shared with the catalog copied from.
  for (CopyOnWrite<CatalogTable>& table : tables_) {
    if (!table->is_new &&
        std::none_of(table->columns.begin(), table->columns.end(), [](const CatalogColumn& c) {
          return c.is_new || c.released_type.has_value() || !c.released_name.empty();
        })) {
      continue;
    }
    table.Mutable().is_new = false;
    table.Mutable().filled = false;
    for (CatalogColumn& column : table.Mutable().columns) {
      column.is_new = false;
      column.released_type.reset();
      column.released_name.clear();
    }
  }
  for (CopyOnWrite<CatalogIndex>& index : indexes_) {
    if (index->is_new) index.Mutable().is_new = false;
  }
  auto is_new = [](const auto& object) { return object.is_new; };
  if (std::any_of(types_->begin(), types_->end(), is_new)) {
    for (CatalogType& type : types_.Mutable()) type.is_new = false;
  }
  if (std::any_of(schemas_->begin(), schemas_->end(), is_new)) {
    for (Schema& schema : schemas_.Mutable()) schema.is_new = false;
  }
}

void Catalog::Reindex(const Node& statement, std::size_t tables_before,
                      std::size_t indexes_before) {
  // New objects are appended: give them ids, in order, and index them.
  const std::size_t new_tables = TakeIn(tables_, next_id_);
  for (std::size_t i = new_tables; i < tables_.size(); ++i)
    tables_by_name_.Mutable().Entry(TableKey(*tables_[i])).push_back(tables_[i]->id);
  const std::size_t new_indexes = TakeIn(indexes_, next_id_);
  for (std::size_t i = new_indexes; i < indexes_.size(); ++i) {
    indexes_by_name_.Mutable().Entry(IndexKey(*indexes_[i])).push_back(indexes_[i]->id);
    indexes_by_table_.Mutable().Entry(IndexTableKey(*indexes_[i])).push_back(indexes_[i]->id);
  }
  const std::size_t tables_gone =
      tables_before > tables_.size() ? tables_before - tables_.size() : 0;
  const std::size_t indexes_gone =
      indexes_before > indexes_.size() ? indexes_before - indexes_.size() : 0;
  if (statement.node_case == PG_QUERY__NODE__NODE_RENAME_STMT) {
    // Names changed in place (ApplyRename): the objects renamed move to their new name's entry
    // in the indexes keyed by it. A column's, a constraint's, a schema's or a type's name is in
    // none.
    const PgQuery__RenameStmt& rename = *statement.rename_stmt;
    if (rename.relation == nullptr) return;
    const std::string from = parser::NameOf(rename.relation).name;
    const std::string to(parser::Str(rename.newname));
    switch (rename.rename_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        Rekey(tables_by_name_, tables_, from, to, TableKey);
        Rekey(indexes_by_table_, indexes_, from, to, IndexTableKey);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        Rekey(indexes_by_name_, indexes_, from, to, IndexKey);
        break;
      default:
        break;
    }
    return;
  }
  if (tables_gone > 0) tables_by_name_.Mutable().stale += tables_gone;
  if (indexes_gone > 0) {
    indexes_by_name_.Mutable().stale += indexes_gone;
    indexes_by_table_.Mutable().stale += indexes_gone;
  }
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
  if (tables_by_name_->stale > tables_.size() / 2 + 1024) Rebuild(tables_by_name_, tables_, TableKey);
  if (indexes_by_name_->stale > indexes_.size() / 2 + 1024) {
    Rebuild(indexes_by_name_, indexes_, IndexKey);
    Rebuild(indexes_by_table_, indexes_, IndexTableKey);
  }
}
}  // namespace pgshift::rules
