#include "rules/analysis/lock_hazard_rules.h"

#include <algorithm>

#include "rules/analysis/small_tables.h"

namespace pgshift::rules {

const std::vector<std::string_view>& LockHazardRules() {
  // Not missing-lock-timeout: it reports once per file, at a statement it picks, about the
  // file's settings rather than that statement's lock.
  static const std::vector<std::string_view> kRules = [] {
    std::vector<std::string_view> rules = SizeBoundRules();
    for (const std::string_view waits : {"exclusive-lock-on-multiple-tables", "lock-table",
                                         "non-concurrent-detach-partition",
                                         "non-concurrent-index-drop", "non-concurrent-refresh",
                                         "trigger-change-on-existing-table"}) {
      rules.push_back(waits);
    }
    std::sort(rules.begin(), rules.end());
    return rules;
  }();
  return kRules;
}

bool IsLockHazard(std::string_view rule) {
  const auto& rules = LockHazardRules();
  return std::binary_search(rules.begin(), rules.end(), rule);
}

}  // namespace pgshift::rules
