// The rules whose hazard is a lock held or waited for, or the scan or rewrite done under it: a
// rule that defers to other findings (RuleDoc::defers_to_other_findings) stays quiet on a
// statement where one of these already reports an error or warning.
#pragma once

#include <string_view>
#include <vector>

namespace pgshift::rules {

// The lock, scan and rewrite rules, sorted by id: the size-bound rules and those about waiting
// for a lock.
const std::vector<std::string_view>& LockHazardRules();
bool IsLockHazard(std::string_view rule);

}  // namespace pgshift::rules
