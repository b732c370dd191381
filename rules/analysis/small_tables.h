// Small tables, by a schema snapshot's row estimates: a finding whose hazard is work in proportion
// to the table (a scan, a rewrite, an index build, an update of every row) is a note, not an
// error, when every table the statement locks is known to hold fewer rows than
// `[lint] small_table_rows`. Without a snapshot nothing is known to be small.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/analysis/lock_model.h"

namespace pgshift::rules {

struct Schema;

// The rules whose hazard grows with the table, sorted by id.
const std::vector<std::string_view>& SizeBoundRules();
bool IsSizeBound(std::string_view rule);

// "users ~40 rows": when the statement locks at least one table that existed before the file and
// the snapshot puts every such table under `small_table_rows`; nullopt otherwise.
std::optional<std::string> SmallTables(const std::vector<TableLock>& locks, const Schema& schema,
                                       std::int64_t small_table_rows);

// "~40 rows", "~12,500 rows".
std::string RowEstimate(std::int64_t rows);

}  // namespace pgshift::rules
