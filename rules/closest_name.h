// "Did you mean": the known name nearest to a misspelt one, by edit distance.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::rules {

// The candidate nearest to `name` (insertions, deletions, substitutions and swaps of adjacent
// characters each count one), if it is near enough to be a slip: at most a third of the name's
// length, and at most 3. Ties go to the first candidate.
std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& candidates);

// " (did you mean `x`?)" for ClosestName's answer, or nothing.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// The ids of every rule, for DidYouMean.
const std::vector<std::string>& RuleIds();

}  // namespace pgshift::rules
