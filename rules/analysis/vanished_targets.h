// `ALTER TABLE IF EXISTS` (and its RENAME and SET SCHEMA forms) of a table the history already
// dropped: PostgreSQL finds no table, skips the statement with a notice, and takes no lock. Like
// `DROP ... IF EXISTS` of what is gone, such a statement is no hazard and changes nothing.
#pragma once

#include <optional>

#include "parser/ast.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {

// The table an IF EXISTS alteration names when `catalog` knows it was dropped and not created
// again; nullopt for anything else.
std::optional<parser::QualifiedName> AlteredAfterDrop(const parser::Node* statement,
                                                      const Catalog& catalog);

}  // namespace pgshift::rules
