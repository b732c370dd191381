// The connected database's own schema, written as DDL that the lint catalog replays: tables with
// their columns, partitions, constraints and indexes, and enum types. `pgshift trace` judges each
// statement against the schema it meets, so that a type change is compared with the real old type
// and SET NOT NULL knows of a validated check, as the server does.
#pragma once

#include <string>

#include "rules/analysis/catalog.h"
#include "runner/database.h"

namespace pgshift::runner {

// The DDL of every table, partition, constraint, index and enum outside the system schemas, as the
// session sees them now (inside its transaction, if one is open). Reads only the system catalogs:
// it takes no lock on the user's tables.
DbResult<std::string> SchemaDdl(Database& db);

// SchemaDdl replayed into a catalog, every object released (not new).
DbResult<rules::Catalog> CatalogOf(Database& db);

}  // namespace pgshift::runner
