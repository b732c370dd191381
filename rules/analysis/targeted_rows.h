// Whether an UPDATE's or DELETE's WHERE names a few rows by key (a point change) rather than
// many (a backfill or a mass delete).
#pragma once

#include "parser/ast.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {

// key = constant, or key IN (constants), alone or ANDed with anything: a few rows, found by index.
// A key is a column named id, or the single column of the table's primary key or a unique
// constraint (`table` may be null: then only id).
bool TargetsFewRows(const parser::Node* where, const CatalogTable* table);

}  // namespace pgshift::rules
