// The key a backfill walks: the table's primary key, or columns the plan names that are NOT NULL
// and covered by a unique index. A table with neither is refused: without a unique, ordered key
// a batched backfill can neither resume exactly nor avoid updating a row twice.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "runner/database.h"

namespace pgshift::runner {

struct KeyColumn {
  std::string name;
  std::string type;  // as format_type prints it: "bigint", "text", "uuid"
};

std::variant<std::vector<KeyColumn>, std::string> BackfillKey(
    Database& db, const std::string& table, const std::vector<std::string>& named);

}  // namespace pgshift::runner
