// `pgshift snapshot`: reads a database's tables, columns with their types, constraints, indexes
// and enum types from pg_catalog, with the row and byte estimates the server keeps, into a
// schema snapshot (rules/snapshot/schema.h). Read-only, in one repeatable-read transaction.
#pragma once

#include <string>

#include "rules/snapshot/schema.h"
#include "runner/database.h"

namespace pgshift::runner {

// `source` is how the snapshot names the database: the target with its password hidden.
DbResult<rules::Schema> TakeSnapshot(Database& db, const std::string& source);

}  // namespace pgshift::runner
