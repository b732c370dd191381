// An in-memory catalog built by replaying migration statements in order: what tables, columns,
// constraints and indexes exist before the statement being checked, and which of them are new
// (created in this file, so empty and unused). Rules judge a statement against it: a type change
// against the old type, SET NOT NULL against an existing validated check.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parser/ast.h"
#include "rules/analysis/copy_on_write.h"
#include "rules/analysis/shared_list.h"

namespace pgshift::rules {

struct CatalogColumn {
  std::string name;
  parser::TypeSpec type;
  std::string collation;  // as COLLATE named it; empty: its type's default
  bool not_null = false;
  bool has_default = false;
  bool is_new = false;  // added in the file being checked: no deployed code knows it
  // The type deployed code knows, when the file being checked changed it: a later change back
  // to it restores what that code reads.
  std::optional<parser::TypeSpec> released_type;
  // The name deployed code knows, when the file being checked renamed it (else empty): a later
  // rename back to it restores what that code reads.
  std::string released_name;
};

enum class ConstraintKind { kCheck, kForeignKey, kUnique, kPrimaryKey, kExclusion, kOther };

struct CatalogConstraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::kOther;
  bool validated = true;
  std::string not_null_column;  // set for CHECK (col IS NOT NULL)
  // Key columns; for a CHECK, the columns its expression reads; for an EXCLUDE, its elements'
  // (empty strings for expressions).
  std::vector<std::string> columns;
  parser::QualifiedName references;  // the referenced table of a foreign key
  // An EXCLUDE's index, as CatalogIndex's: with an expression or a WHERE clause, and what they
  // read.
  bool computed = false;
  bool partial = false;
  std::vector<std::string> where_not_null;
  std::vector<std::string> also_reads;
};

struct CatalogIndex {
  std::string name;
  parser::QualifiedName table;
  bool unique = false;
  bool is_new = false;
  std::vector<std::string> columns;  // in index order; empty string for an expression
  std::uint64_t id = 0;              // set by the catalog's name index
  // Per column, what decides whether a change of the column's type builds the index again
  // (type_change.h): the collation and the operator class the definition names ("" for none).
  // Both empty when it names none, as most do.
  std::vector<std::string> collations;
  std::vector<std::string> opclasses;
  // A btree on columns named bare, without INCLUDE, WHERE, WITH, NULLS NOT DISTINCT or a table
  // space: what is kept here writes its definition again.
  bool plain = false;
  // It has an expression or a WHERE clause. PostgreSQL then builds it again on any type change of
  // a column it reads, even one that leaves the table as it is (CheckIndexCompatible assesses
  // neither; checked against PostgreSQL 15).
  bool computed = false;
  // It has a WHERE clause: it serves only the queries that imply it.
  bool partial = false;
  // When its WHERE clause only says columns are not null (`c IS NOT NULL AND ...`): those columns.
  // An equality on each of them implies it (a foreign key's check does).
  std::vector<std::string> where_not_null;
  // The columns it reads besides `columns`: in its expressions, its WHERE clause and INCLUDE.
  std::vector<std::string> also_reads;
};

// An index on a table as a change to its columns meets it: a CREATE INDEX's, or the one behind a
// PRIMARY KEY, UNIQUE or EXCLUDE constraint.
struct TableIndex {
  std::string name;  // the index's, or the constraint's (empty when the constraint is unnamed)
  bool unique = false;
  bool constraint = false;
  std::vector<std::string> columns;     // in index order; empty string for an expression
  std::vector<std::string> collations;  // as CatalogIndex's (a constraint's name none)
  std::vector<std::string> opclasses;
  bool plain = false;  // as CatalogIndex's
  bool computed = false;
  bool partial = false;
  std::vector<std::string> where_not_null;
  std::vector<std::string> also_reads;
  // Whether the index reads `column`, as a key or otherwise.
  bool Reads(std::string_view column) const;
};

struct CatalogTable {
  parser::QualifiedName name;
  std::vector<CatalogColumn> columns;
  std::vector<CatalogConstraint> constraints;
  bool partitioned = false;  // PARTITION BY: a parent without storage of its own
  std::vector<std::string> partition_columns;  // the plain columns of PARTITION BY
  bool is_new = false;       // created in the file being checked (or an unreleased migration)
  // New, but filled with rows read from other tables since (CREATE TABLE AS, SELECT INTO,
  // INSERT ... SELECT, COPY FROM): a scan of it is not instant.
  bool filled = false;
  // Known only from ALTER statements: its CREATE was never seen, so what it lacks is unknown.
  bool partial = false;
  parser::QualifiedName partition_of;  // the parent, for a partition (PARTITION OF, ATTACH)
  std::vector<std::string> dropped_columns;  // dropped and not added again, in drop order

  const CatalogColumn* FindColumn(std::string_view column) const;
  CatalogColumn* FindColumn(std::string_view column);
  // A validated CHECK (column IS NOT NULL): SET NOT NULL then skips its scan (PostgreSQL 12+).
  bool HasValidatedNotNullCheck(std::string_view column) const;
  // NOT NULL, or proven by a validated CHECK (column IS NOT NULL).
  bool KnownNotNull(std::string_view column) const;
  const CatalogConstraint* FindConstraint(std::string_view name) const;
  // Whether `column` is known and was added in the file being checked.
  bool IsNewColumn(std::string_view column) const;
  // Whether an applied DROP COLUMN removed `column` and nothing has added it again: a later
  // `DROP COLUMN IF EXISTS` of it finds nothing and changes nothing.
  bool WasColumnDropped(std::string_view column) const;

  // Positions in `columns` by name, so that a table with thousands of columns is not searched
  // column by column. Whoever changes `columns` calls ReindexColumns (with `rebuild` after an
  // erase or rename); FindColumn searches linearly whenever the index does not cover every column.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> column_positions;
  std::size_t columns_indexed = 0;
  void ReindexColumns(bool rebuild);
  std::uint64_t id = 0;  // set by the catalog's name index
};

// An enum type, with its labels in sort order.
struct CatalogType {
  parser::QualifiedName name;
  std::vector<std::string> labels;
  bool is_new = false;
};

// Objects by name, so that lookups in a catalog of thousands of objects do not walk them all.
// Each table and index gets an id when the index takes it in (ids rise along the catalog's
// vectors, which only ever append at the end and erase), so erasing an object leaves the others'
// entries valid: a lookup skips ids that are gone, and stale ids are pruned for the names a DROP
// names, and wholesale once they outnumber the live ones. A rename rebuilds the indexes keyed by
// the names it changes.
//
// In two layers, so that copying the index (each migration's catalog is a copy of the one
// before it) copies only what changed lately: a `base` that copies share, never changed, and the
// copy's `own` entries, which replace base's for their names (an empty one hides base's). Once
// `own` outgrows a sixteenth of `base` (and 16 entries), the two are merged into a new base: a
// merge copies base, but every copy of the catalog copies `own` (on the corpus a sixteenth
// executes 1.7% fewer instructions in all than a quarter, an eighth or a thirty-second).
struct CatalogNameIndex {
  using Ids = std::vector<std::uint64_t>;
  using Map = std::unordered_map<std::string, Ids, CatalogTable::NameHash, std::equal_to<>>;
  std::shared_ptr<const Map> base;
  Map own;
  std::size_t stale = 0;

  const Ids* Find(std::string_view name) const;
  // This layer's entry for `name`, which starts as base's: for changing it.
  Ids& Entry(std::string_view name);
  // Forgets `name`, whose entry is empty.
  void Erase(std::string_view name);
};

class Catalog {
 public:
  // Applies one statement's effect. `is_new` marks objects created by it as new (true for the
  // file being checked, false for replayed history that has been released).
  void Apply(const parser::Node* statement, bool is_new);

  const CatalogTable* FindTable(const parser::QualifiedName& name) const;
  const CatalogIndex* FindIndex(const parser::QualifiedName& name) const;
  // A foreign key of `table` to another table, by constraint name, or null.
  const CatalogConstraint* ForeignKeyNamed(const parser::QualifiedName& table, std::string_view name) const;
  // Whether PRIMARY KEY USING INDEX must scan to mark the index's columns NOT NULL: some column is
  // known to be nullable (false when the index, the table or the column is not known).
  // A validated CHECK (col IS NOT NULL) counts only from PostgreSQL 12 (`checks_prove_not_null`).
  bool PrimaryKeyWouldScan(const parser::QualifiedName& table, std::string_view index,
                           bool checks_prove_not_null) const;
  // Whether ATTACH PARTITION can skip scanning the partition: it is new (empty), or a validated
  // CHECK on it reads every column of the parent's partition key (any column, if the key is not
  // known). The bound itself is not compared: a CHECK on the key is taken as written for it.
  bool ProvesPartitionBound(const parser::QualifiedName& parent, const parser::QualifiedName& partition) const;
  // Tables with a column of this type (a domain, by its unqualified name).
  std::vector<const CatalogTable*> TablesUsingType(std::string_view type) const;
  // A table or index created in the file being checked: empty, used by nobody yet.
  bool IsNew(const parser::QualifiedName& name) const;
  // A table or index that an applied DROP removed and nothing has created again: a later
  // `DROP ... IF EXISTS` of it finds nothing, takes no lock and changes nothing.
  bool WasDropped(const parser::QualifiedName& name) const;
  // The known partitions of a partitioned table, in creation order.
  std::vector<const CatalogTable*> PartitionsOf(const parser::QualifiedName& parent) const;
  const CatalogType* FindType(const parser::QualifiedName& name) const;
  bool IsNewSchema(std::string_view name) const;
  // Indexes on a table, including those behind its primary key and unique constraints.
  std::vector<TableIndex> IndexesOf(const parser::QualifiedName& table) const;
  // Their columns.
  std::vector<std::vector<std::string>> IndexedColumns(const parser::QualifiedName& table) const;

  // Marks every object as released (no longer new): used after replaying earlier files.
  void MarkAllReleased();

 private:
  CatalogTable* MutableTable(const parser::QualifiedName& name);
  void ApplyStatement(const PgQuery__Node& statement, bool is_new);
  void ApplyCreate(const PgQuery__CreateStmt& create, bool is_new);
  void ApplyAlter(const PgQuery__AlterTableStmt& alter, bool is_new);
  void ApplyRename(const PgQuery__RenameStmt& rename, bool is_new);
  void ApplyDrop(const PgQuery__DropStmt& drop);
  // Records that rows were written into `name`: for a new table, see CatalogTable::filled.
  void MarkFilled(const parser::QualifiedName& name);
  void ApplyEnum(const PgQuery__AlterEnumStmt& alter);

  struct Schema {
    std::string name;
    bool is_new = false;
  };

  // Brings the name indexes up to date after `statement` was applied.
  void Reindex(const PgQuery__Node& statement, std::size_t tables_before,
               std::size_t indexes_before);
  std::uint64_t next_id_ = 1;

  // Shared with the catalogs copied from this one until either changes them.
  // The name indexes too: a migration that creates, renames or drops nothing copies none of them.
  std::vector<CopyOnWrite<CatalogTable>> tables_;
  CopyOnWrite<CatalogNameIndex> tables_by_name_ = CatalogNameIndex{};
  std::vector<CopyOnWrite<CatalogIndex>> indexes_;
  CopyOnWrite<CatalogNameIndex> indexes_by_name_ = CatalogNameIndex{};
  CopyOnWrite<CatalogNameIndex> indexes_by_table_ = CatalogNameIndex{};
  CopyOnWrite<std::vector<CatalogType>> types_ = std::vector<CatalogType>{};
  CopyOnWrite<std::vector<Schema>> schemas_ = std::vector<Schema>{};
  // Tables and indexes, as their DROP named them; only ever added to, and shared like the rest.
  SharedList<parser::QualifiedName> dropped_;
  // Nothing applied since the last MarkAllReleased (or ever): releasing again would walk every
  // table and column to change nothing, as each rollback's copy of the history did.
  bool released_ = true;
};

// CHECK (col IS NOT NULL): the column name, or empty for any other expression.
std::string NotNullCheckColumn(const parser::Node* expression);
// The columns of a WHERE clause that only says they are not null (`a IS NOT NULL AND b IS NOT
// NULL`), else nullopt.
std::optional<std::vector<std::string>> NotNullTestsOnly(const parser::Node* expression);
// Adds to `columns` each column `expression` reads that it does not hold yet.
void AddColumnsRead(const parser::Node* expression, std::vector<std::string>& columns);
// The column names of an index definition, in order; empty strings for expressions.
std::vector<std::string> IndexColumns(const PgQuery__IndexStmt& index);
// What an index definition names for its columns (COLLATE, operator class) and whether it is
// plain, as CatalogIndex keeps them.
void RecordIndexKeys(const PgQuery__IndexStmt& index, CatalogIndex& out);
// Whether a column definition says NOT NULL or PRIMARY KEY, and whether it has a default.
bool ColumnIsNotNull(const PgQuery__ColumnDef& column);
const parser::Node* ColumnDefault(const PgQuery__ColumnDef& column);

}  // namespace pgshift::rules
