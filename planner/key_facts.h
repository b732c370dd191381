// What the schema says about a key whose type a migration changes, beyond what the catalog keeps:
// the foreign keys on it and referencing it (with their names and actions), its indexes, the
// sequence behind its default, whether it is an identity column. KeyColumn gathers it for one
// column just before its type change, with the reason the planner cannot swap it, if any.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parser/ast.h"
#include "rules/analysis/catalog.h"

namespace pgshift::planner {

struct ForeignKeyFact {
  parser::QualifiedName table;  // the referencing table
  std::string name;             // as written, or PostgreSQL's choice (table_col_fkey)
  std::vector<std::string> columns;
  parser::QualifiedName references;
  std::vector<std::string> referenced;  // empty: the referenced table's primary key
  std::string actions;                  // " ON DELETE CASCADE": SQL after REFERENCES t (c)
  bool plain = true;                    // neither DEFERRABLE nor MATCH FULL
  bool valid = true;                    // false: added NOT VALID and not validated since
};

struct IndexFact {
  std::string name;
  parser::QualifiedName table;
  std::vector<std::string> columns;  // empty strings for expressions
  bool unique = false;
  std::string method;  // USING method, empty for the default
  bool plain = true;   // no WHERE, INCLUDE, WITH, opclass, collation or ordering
};

// Learnt from the schema and the migration as they are replayed, statement by statement.
class KeyFacts {
 public:
  void Learn(const parser::Node* node);

  // Foreign keys that reference `table.column` (`primary_key`: the column of the table's
  // primary key, which a foreign key naming no column references).
  std::vector<ForeignKeyFact> ReferencesTo(const parser::QualifiedName& table,
                                           const std::string& column,
                                           const std::string& primary_key) const;
  // Foreign keys of `table` whose columns include `column`.
  std::vector<ForeignKeyFact> ForeignKeysOn(const parser::QualifiedName& table,
                                            const std::string& column) const;
  std::vector<IndexFact> IndexesOn(const parser::QualifiedName& table,
                                   const std::string& column) const;
  bool IsIdentity(const parser::QualifiedName& table, const std::string& column) const;
  // The sequence a serial column or ALTER SEQUENCE ... OWNED BY gives the column, or empty.
  parser::QualifiedName SequenceOf(const parser::QualifiedName& table,
                                   const std::string& column) const;

 private:
  void LearnCreate(const PgQuery__CreateStmt* create);
  void LearnAlter(const PgQuery__AlterTableStmt* alter);
  void LearnColumn(const parser::QualifiedName& table, const PgQuery__ColumnDef* column);
  void LearnConstraint(const parser::QualifiedName& table, const std::string& column,
                       const PgQuery__Constraint* constraint);
  void LearnIndex(const PgQuery__IndexStmt* index);
  void LearnSequenceOwner(const parser::QualifiedName& sequence, parser::Node* const* options,
                          std::size_t count);
  void LearnDrop(const PgQuery__DropStmt* drop);

  std::vector<ForeignKeyFact> foreign_keys_;
  std::vector<IndexFact> indexes_;
  std::set<std::string> identity_;                          // "table.column"
  std::map<std::string, parser::QualifiedName> sequences_;  // "table.column" → its sequence
};

// One column whose type the migration changes, as the schema describes it just before the change.
struct KeyColumn {
  parser::QualifiedName table;
  std::string column;
  std::string fresh;  // the new column swapped in for it: column_new
  std::string type;   // the new type, as SQL
  std::size_t source = 0;
  bool not_null = false;
  std::string key;  // its one-column primary key or unique constraint, or empty
  bool primary = false;
  std::optional<ForeignKeyFact> foreign_key;  // its own one-column foreign key
  std::vector<IndexFact> indexes;             // its one-column indexes (not the key's)
  std::optional<std::string> default_sql;
  parser::QualifiedName sequence;  // the sequence behind its default, moved to the new column
  std::string blocker;             // why the planner cannot swap it; empty when it can
};

// Whether a type change of the column is a key's: a primary key, unique or foreign key on it, a
// foreign key referencing it, an index, or an identity.
bool IsKeyLike(const rules::Catalog& catalog, const KeyFacts& facts,
               const std::set<std::string>& referenced, const parser::QualifiedName& table,
               const std::string& column);

// `defaults`: "table.column" → DEFAULT as SQL. `def` is the ALTER COLUMN TYPE's column.
KeyColumn DescribeKeyColumn(const rules::Catalog& catalog, const KeyFacts& facts,
                            const std::map<std::string, std::string>& defaults,
                            const parser::QualifiedName& table, const std::string& column,
                            const PgQuery__ColumnDef* def);

}  // namespace pgshift::planner
