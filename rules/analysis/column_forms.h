// The lock-model form of a column definition or a constraint as ALTER TABLE adds it, and the
// option and type tests the classifier and the rules share.
#pragma once

#include <string>
#include <string_view>

#include "parser/ast.h"
#include "rules/analysis/lock_model.h"

namespace pgshift::rules {

// Whether an option list (VACUUM (FULL), REINDEX (CONCURRENTLY)) turns the named option on.
bool HasDefElem(parser::Node* const* items, std::size_t count, std::string_view name);

// serial, bigserial, smallserial and their serial2/4/8 spellings.
bool IsSerialType(const std::string& name);

// The column's constraint of this type, or null.
const PgQuery__Constraint* ColumnConstraint(const PgQuery__ColumnDef& column,
                                            PgQuery__ConstrType type);

// The form of ADD CONSTRAINT with this constraint.
Form ClassifyConstraint(const PgQuery__Constraint& constraint);

// The form of one ADD COLUMN: which default, NOT NULL, generated or identity it carries.
Form ClassifyAddColumn(const PgQuery__ColumnDef& column, int pg_version);

}  // namespace pgshift::rules
