// ALTER COLUMN ... TYPE, classified: a binary-coercible change only touches the catalog, others
// rewrite the table (and rebuild its indexes) under ACCESS EXCLUSIVE.
#pragma once

#include <string>

#include "parser/ast.h"

namespace pgshift::rules {

enum class TypeChangeEffect { kCatalogOnly, kRewrite, kUnknown };

struct TypeChangeVerdict {
  TypeChangeEffect effect = TypeChangeEffect::kUnknown;
  std::string reason;
};

// `old_type` is empty when the old type is not known (no history replayed).
TypeChangeVerdict ClassifyTypeChange(const parser::TypeSpec& old_type,
                                     const parser::TypeSpec& new_type, bool has_using);

}  // namespace pgshift::rules
