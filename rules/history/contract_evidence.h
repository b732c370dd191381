// What the release rules say about the evidence that application code uses a table or column a
// migration drops or renames: the lookup, as the database names it, and the one strongest piece
// of evidence cited with how many more there are.
#pragma once

#include <string>

#include "rules/analysis/schema_changes.h"
#include "rules/evidence/code_uses.h"

namespace pgshift::rules {

// The uses of what `change` takes away: the column of its table, or the table (or view).
evidence::Evidence UsesOf(const evidence::CodeUses& code, const SchemaChange& change);

// "app/models/user.rb:3 (and 2 more): an ORM model maps the column (Prisma model User, field
// legacyFlag @map(\"legacy_flag\"))". `evidence` must not be empty.
std::string Cite(const evidence::Evidence& evidence);

}  // namespace pgshift::rules
