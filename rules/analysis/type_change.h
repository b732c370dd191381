// ALTER COLUMN ... TYPE, classified: a binary-coercible change only touches the catalog, others
// rewrite the table (and rebuild its indexes) under ACCESS EXCLUSIVE. Each verdict was checked
// against PostgreSQL 15 (pg_class.relfilenode before and after; see
// tests/fixtures/lock_model/cases.sql).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parser/ast.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {

// kUnknown: the old type is not known and the new one can be reached either way.
enum class TypeChangeEffect { kCatalogOnly, kRewrite, kUnknown };

struct TypeChangeVerdict {
  TypeChangeEffect effect = TypeChangeEffect::kUnknown;
  std::string reason;  // "int4 to bigint converts every row"
};

// `old_type` is empty when the old type is not known (the table was not created in the file or
// in replayed history). `using_expr` is the USING clause, or null; USING the column itself (or
// the column cast to the new type) changes nothing.
TypeChangeVerdict ClassifyTypeChange(const parser::TypeSpec& old_type,
                                     const parser::TypeSpec& new_type,
                                     const parser::Node* using_expr, std::string_view column);

// A change that leaves the table as it is can still build each index on the column again, under
// the same ACCESS EXCLUSIVE: PostgreSQL keeps an index only when its collation and operator class
// stay those of the column (checked against PostgreSQL 15: a new collation, and int4 to oid, oid
// to int4, text or varchar to bpchar, bit to varbit, rebuild; varchar to text, a wider limit and
// cidr to inet keep the index).
struct IndexRebuild {
  bool new_collation = false;  // else a new operator class
  std::string reason;          // "the collation changes from the default to \"C\""
  // How the column is written in an index that the change keeps: `COLLATE "C"`, `oid_ops`.
  std::string column_in_index;
  // For a new operator class, the old type's default: an index that names it is built again.
  std::string old_opclass;
};

// Why the indexes on the column are built again, for a change ClassifyTypeChange finds
// catalog-only; nullopt when they are kept. Collations as CatalogColumn keeps them (empty: the
// type's default).
std::optional<IndexRebuild> IndexRebuildOf(const parser::TypeSpec& old_type,
                                           std::string_view old_collation,
                                           const parser::TypeSpec& new_type,
                                           std::string_view new_collation);

// The indexes ALTER COLUMN `column` TYPE `def` of `table` builds again although the table is not
// rewritten (ClassifyTypeChange finds it catalog-only), and why; nullopt when it builds none. For
// a new collation those whose collation is the column's (an index that names another keeps it);
// for a new operator class those that name none or the old type's default; and, whatever the
// change, every index with an expression or a WHERE clause that reads the column (checked against
// PostgreSQL 15: varchar(10) to varchar(20) builds `(lower(name))`, `(name) WHERE name IS NOT
// NULL` and `(id) WHERE name <> ''` again, and keeps `(name)`). Only the indexes the catalog knows
// count.
struct IndexesRebuilt {
  std::optional<IndexRebuild> why;  // a new collation or operator class
  std::vector<TableIndex> indexes;  // those `why` builds again, and the computed ones
  // `why`'s reason, or the computed indexes' (or both).
  std::string Reason() const;
};
// Why an index with an expression or a WHERE clause reading the column is built again.
inline constexpr std::string_view kComputedIndexRebuilt =
    "an index with an expression or a WHERE clause that reads the column is built again on any "
    "change of its type";
std::optional<IndexesRebuilt> IndexesRebuiltBy(const Catalog& catalog,
                                               const parser::QualifiedName& table,
                                               std::string_view column,
                                               const PgQuery__ColumnDef& def);

}  // namespace pgshift::rules
