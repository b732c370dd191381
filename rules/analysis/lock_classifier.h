// Maps a parsed statement to the statement forms of the lock model, one per table it locks.
// Kept apart from the table itself (lock_model.cpp) so that the table stays one readable list.
#pragma once

#include <optional>
#include <vector>

#include "parser/ast.h"
#include "rules/analysis/catalog.h"
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

// Whether an option list (VACUUM (FULL), REINDEX (CONCURRENTLY)) turns the named option on.
bool HasDefElem(parser::Node* const* items, std::size_t count, std::string_view name);

// serial, bigserial, smallserial and their serial2/4/8 spellings.
bool IsSerialType(const std::string& name);

// The form of one ADD COLUMN: which default, NOT NULL, generated or identity it carries.
Form ClassifyAddColumn(const PgQuery__ColumnDef& column, int pg_version);

}  // namespace pgshift::rules
