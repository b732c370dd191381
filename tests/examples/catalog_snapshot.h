// A snapshot of everything an example's plan may create, change or drop in schema public, read
// straight from pg_catalog: relations, columns, constraints, indexes, triggers, sequences and
// functions, as sorted lines without OIDs. The examples test compares it before a stage and
// after its rollback, independently of the runner's own fingerprint (which covers only the
// tables a plan names, and no functions).
#pragma once

#include <string>
#include <vector>

#include "runner/database.h"

namespace pgshift::testing {

std::vector<std::string> CatalogSnapshot(runner::Database& db);

// "- line" for lines only in `before`, "+ line" for lines only in `after`, one per line.
std::string SnapshotDiff(const std::vector<std::string>& before,
                         const std::vector<std::string>& after);

}  // namespace pgshift::testing
