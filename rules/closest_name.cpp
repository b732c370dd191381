#include "rules/closest_name.h"

#include <algorithm>

#include "rules/rule.h"

namespace pgshift::rules {
namespace {

// Optimal string alignment distance: Levenshtein plus adjacent transpositions.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& candidates) {
  // Names are short; a pathological one is no slip and not worth a quadratic table.
  if (name.empty() || name.size() > 200) return std::nullopt;
  const std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, name.size() / 3));
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    if (candidate == name) return candidate;
    const std::size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const auto closest = ClosestName(name, candidates);
  return closest ? " (did you mean `" + *closest + "`?)" : std::string();
}

const std::vector<std::string>& RuleIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const RuleDefinition& rule : AllRules()) out.emplace_back(rule.doc->id);
    return out;
  }();
  return ids;
}

}  // namespace pgshift::rules
