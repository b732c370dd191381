// Squawk's rule names, and the pgshift rules that judge the same hazard: a `-- squawk-ignore`
// comment left by a team that used Squawk suppresses the pgshift findings it means.
// The table is documented in docs/configuration.md ("Squawk suppressions"); a test keeps the two
// in step.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace pgshift::rules {

struct SquawkRule {
  std::string_view squawk;
  std::vector<std::string_view> pgshift;  // empty: pgshift has no counterpart
};

const std::vector<SquawkRule>& SquawkRules();

// The pgshift rules a Squawk rule name stands for; empty when it is unknown or has none.
std::vector<std::string_view> PgshiftRulesForSquawk(std::string_view squawk);

}  // namespace pgshift::rules
