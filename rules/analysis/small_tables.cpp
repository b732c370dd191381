#include "rules/analysis/small_tables.h"

#include <algorithm>

#include "rules/snapshot/schema.h"

namespace pgshift::rules {

const std::vector<std::string_view>& SizeBoundRules() {
  // Not here: rules about waiting for a lock (a queue forms behind any lock, however small the
  // table), about what the running application sees (drops, renames), or about data loss.
  static const std::vector<std::string_view> kRules = {
      "add-column-volatile-default",    "add-constraint-builds-index",
      "add-serial-or-generated-column", "alter-column-type-rebuilds-index",
      "alter-column-type-rewrite",      "attach-partition-without-check",
      "backfill-in-ddl-transaction",    "check-without-not-valid",
      "delete-without-where",           "domain-constraint-scans-tables",
      "foreign-key-without-not-valid",  "non-concurrent-index-creation",
      "non-concurrent-reindex",         "set-not-null",
      "table-rewriting-command",        "update-without-where",
      "validate-in-same-transaction",
  };
  return kRules;
}

bool IsSizeBound(std::string_view rule) {
  const auto& rules = SizeBoundRules();
  return std::binary_search(rules.begin(), rules.end(), rule);
}

std::string RowEstimate(std::int64_t rows) {
  std::string digits = std::to_string(rows);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return "~" + digits + (rows == 1 ? " row" : " rows");
}

std::optional<std::string> SmallTables(const std::vector<TableLock>& locks, const Schema& schema,
                                       std::int64_t small_table_rows) {
  std::string named;
  std::vector<std::string> seen;
  for (const TableLock& lock : locks) {
    if (lock.new_table) continue;  // empty, and quiet anyway
    if (lock.named_by_index) return std::nullopt;
    const SnapshotTable* table = schema.FindTable(lock.table);
    if (table == nullptr || !table->rows || *table->rows >= small_table_rows) return std::nullopt;
    const std::string label = lock.table.ToSql();
    if (std::find(seen.begin(), seen.end(), label) != seen.end()) continue;
    seen.push_back(label);
    named += (named.empty() ? "" : ", ") + label + " " + RowEstimate(*table->rows);
  }
  if (named.empty()) return std::nullopt;
  return named;
}

}  // namespace pgshift::rules
