// A pgshift-ignore directive that matches no finding: reported by the engine once every rule
// has run (see ApplySuppressions in rules/engine.cpp), so stale suppressions do not pile up.
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "unused-suppression",
    .summary = "A pgshift-ignore directive that suppresses nothing",
    .rationale =
        "A suppression that matches no finding is stale: the statement changed, the directive "
        "sits above the wrong statement, or the rule id is misspelt. Left in place it would "
        "silently hide a future finding.",
    .bad = "-- pgshift-ignore non-concurrent-index-creation: table is tiny\n"
           "ALTER TABLE users ADD COLUMN nickname text;",
    .good = "ALTER TABLE users ADD COLUMN nickname text;",
    .severity = Severity::kWarning,
};

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, nullptr);
}  // namespace pgshift::rules
