// Maps a parsed statement to the statement forms of the lock model, one per table it locks.
// Kept apart from the table itself (lock_model.cpp) so that the table stays one readable list.
#pragma once

#include <optional>
#include <vector>

#include "parser/ast.h"
#include "rules/analysis/catalog.h"
#include "rules/analysis/column_forms.h"
#include "rules/analysis/lock_model.h"

namespace pgshift::rules {

struct ClassifiedForm {
  Form form;
  parser::QualifiedName table;
  int location = -1;
  std::optional<LockMode> mode_override;  // LOCK TABLE names its own mode
  bool named_by_index = false;  // `table` is an index whose table the catalog does not know
};

std::vector<ClassifiedForm> ClassifyStatement(const parser::Node* statement, int pg_version,
                                              const Catalog& catalog);

}  // namespace pgshift::rules
