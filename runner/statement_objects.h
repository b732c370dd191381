// The schema objects statements name, and of which kind, read from their parse trees: the name
// of a sequence, an index or a view is written where a table's would be, but it is no table.
#pragma once

#include <set>
#include <string>

#include "parser/ast.h"
#include "runner/catalog_objects.h"

namespace pgshift::runner {

class ObjectCollector {
 public:
  // Every object `statement` names: the ones it creates, alters, renames (both names) or drops,
  // and the tables it reads or writes.
  void Add(const parser::Node* statement);
  void AddTable(const std::string& name) { tables_.insert(name); }
  CatalogObjects Result() const;

 private:
  enum class Kind { kTable, kIndex, kSequence, kView, kFunction, kType, kOther };
  static Kind KindOf(PgQuery__ObjectType type);
  static bool IsRelation(Kind kind);
  void Insert(Kind kind, const std::string& name);

  std::set<std::string> tables_, indexes_, sequences_, views_, functions_, types_;
};

}  // namespace pgshift::runner
