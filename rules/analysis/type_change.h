// ALTER COLUMN ... TYPE, classified: a binary-coercible change only touches the catalog, others
// rewrite the table (and rebuild its indexes) under ACCESS EXCLUSIVE. Each verdict was checked
// against PostgreSQL 15 (pg_class.relfilenode before and after; see
// tests/fixtures/lock_model/cases.sql).
#pragma once

#include <string>
#include <string_view>

#include "parser/ast.h"

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

}  // namespace pgshift::rules
