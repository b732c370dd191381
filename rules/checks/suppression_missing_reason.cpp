// A pgshift-ignore directive without a reason: reported by the engine with the suppressions
// (see ApplySuppressions in rules/engine.cpp).
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "suppression-missing-reason",
    .summary = "A pgshift-ignore directive that does not say why",
    .rationale =
        "A suppression is a decision that a hazard is acceptable here. Without the reason, the "
        "next reader cannot tell whether it still holds.",
    .bad = "-- pgshift-ignore drop-column\n"
           "ALTER TABLE users DROP COLUMN legacy_flag;",
    .good = "-- pgshift-ignore drop-column: no release since 2.3 reads legacy_flag\n"
            "ALTER TABLE users DROP COLUMN legacy_flag;",
    .severity = Severity::kWarning,
};

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, nullptr);
}  // namespace pgshift::rules
