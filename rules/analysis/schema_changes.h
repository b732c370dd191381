// The expand-contract direction of a statement's schema changes. Expand changes add what new code
// will use (tables, columns, types, enum values); contract changes take away what the running
// code may use (drops and renames of existing tables, views and columns). Read by the rules that
// judge a migration against its phase and its release.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "parser/ast.h"
#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {

enum class ChangeDirection { kExpand, kContract };

struct SchemaChange {
  ChangeDirection direction = ChangeDirection::kExpand;
  std::string verb;              // "drops", "renames", "adds", "creates"
  std::string kind;              // "table", "view", "column", "type", "enum value"
  parser::QualifiedName object;  // the table, view or type
  std::string column;            // for columns (and enum values): the name within `object`
  std::string new_name;          // for renames

  // The name application code would use: the column (or value), else the object's name.
  const std::string& Name() const { return column.empty() ? object.name : column; }
  // "column users.email", "table sessions"
  std::string What() const;
  // "drops column users.email", "renames table customers to accounts"
  std::string Describe() const;
};

// The contract changes of statement `index` of `file`, judged against the catalog before it:
// objects (tables, views, columns) created in this file or an unreleased migration are nobody's
// yet, and a table renamed while a view or table takes over its old name in the same file keeps
// that name working. The drops and renames of such new objects go to `of_new_objects` when given.
std::vector<SchemaChange> ContractChanges(const parser::ParsedFile& file, std::size_t index,
                                          const Catalog& catalog,
                                          std::vector<SchemaChange>* of_new_objects = nullptr);

// The expand changes of one statement.
std::vector<SchemaChange> ExpandChanges(const parser::Node* statement);

}  // namespace pgshift::rules
