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
  for (const RuleDefinition& rule : AllRules()) {
    if (rule.doc->id == id) return &rule;
  }
  return nullptr;
}

}  // namespace pgshift::rules
