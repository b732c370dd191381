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

// An index a statement builds: its columns, and the shortest of their leading prefixes that a
// lookup can use it for (more than 1 for a partial index whose WHERE says that a later column is
// not null: only a lookup by that column too implies it).
struct IndexBuilt {
  std::vector<std::string> columns;
  std::size_t shortest = 1;
};

// The indexes statement `node` builds on `table`: CREATE INDEX (not a partial one whose WHERE
// clause says more than that columns are not null: it serves only the queries that imply it),
// or a PRIMARY KEY or UNIQUE constraint of CREATE TABLE / ALTER TABLE.
std::vector<IndexBuilt> IndexesBuiltBy(const parser::Node* node, parser::QualifiedName& table);

}  // namespace pgshift::rules
