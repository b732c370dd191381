// Checkpoints: the catalog state of the objects a plan names (tables with their columns, types,
// nullability, defaults, constraints, indexes and triggers; views, indexes and sequences named on
// their own; functions by signature and definition; enum labels, domains and other types), as
// sorted lines and a hash of them. Rollback proves it is back where it was by comparing them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/catalog_objects.h"
#include "runner/database.h"

namespace pgshift::runner {

struct Fingerprint {
  std::string hash;                // 16 hex digits
  std::vector<std::string> lines;  // "users: column email text null", sorted
  std::string Detail() const;      // the lines, one per line: what the ledger keeps
};

DbResult<Fingerprint> TakeFingerprint(Database& db, const CatalogObjects& objects);
Fingerprint FingerprintFromDetail(const std::string& detail);

// What differs, as "- line" (in the checkpoint, not now) and "+ line" (now, not in it).
std::vector<std::string> FingerprintDiff(const Fingerprint& checkpoint, const Fingerprint& now);

}  // namespace pgshift::runner
