#include <algorithm>

#include "rules/rule.h"

namespace pgshift::rules {
namespace {

std::vector<RuleDefinition>& MutableRules() {
  static std::vector<RuleDefinition> rules;
  return rules;
}

}  // namespace

Registration::Registration(const RuleDoc& doc, CheckFunction check, const char* source_file) {
  MutableRules().push_back({&doc, check, source_file});
}

const std::vector<RuleDefinition>& AllRules() {
  // Rules register during static initialisation, before main, so the sorted copy made at the
  // first call (thread-safe, as every function-local static) holds them all.
  static const std::vector<RuleDefinition> sorted = [] {
    std::vector<RuleDefinition> rules = MutableRules();
    std::sort(rules.begin(), rules.end(),
              [](const RuleDefinition& a, const RuleDefinition& b) { return a.doc->id < b.doc->id; });
    return rules;
  }();
  return sorted;
}

const RuleDefinition* FindRule(std::string_view id) {
  // AllRules is sorted by id.
  const std::vector<RuleDefinition>& rules = AllRules();
  const auto at = std::lower_bound(
      rules.begin(), rules.end(), id,
      [](const RuleDefinition& rule, std::string_view key) { return rule.doc->id < key; });
  return at != rules.end() && at->doc->id == id ? &*at : nullptr;
}

}  // namespace pgshift::rules
