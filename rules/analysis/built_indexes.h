// Indexes the statements of a file build (CREATE INDEX, PRIMARY KEY, UNIQUE), found once per file
// so that a rule asking "is this key indexed anywhere later in the file?" does not walk every
// later statement (which made a file of many foreign keys quadratic).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "parser/ast.h"
#include "parser/parsed_file.h"

namespace pgshift::rules {

class BuiltIndexes {
 public:
  explicit BuiltIndexes(const parser::ParsedFile& file);
  BuiltIndexes() = default;

  // Whether statement `from` or a later one builds an index on `table` whose leading columns are
  // exactly `columns`, in any order.
  bool LeadsWith(const parser::QualifiedName& table, const std::vector<std::string>& columns,
                 std::size_t from) const;

 private:
  struct Built {
    std::string schema;  // as written; empty when unqualified
    std::size_t last = 0;
  };
  // Table name and sorted leading columns → where such an index is built last, per schema.
  std::map<std::string, std::vector<Built>, std::less<>> built_;
};

// The index column lists statement `node` builds on `table`: CREATE INDEX, or a PRIMARY KEY or
// UNIQUE constraint of CREATE TABLE / ALTER TABLE.
std::vector<std::vector<std::string>> IndexesBuiltBy(const parser::Node* node,
                                                     parser::QualifiedName& table);

}  // namespace pgshift::rules
