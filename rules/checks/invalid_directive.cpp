// A `-- pgshift:` file directive that pgshift does not understand: reported by the engine (see
// FindFileDirectives in rules/directives.cpp), since a phase marker it ignored would silently
// judge the file against the wrong phase.
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

constexpr RuleDoc kDoc{
    .id = "invalid-directive",
    .summary =
        "A `-- pgshift:` directive with an unknown key or phase, or below the first statement",
    .rationale =
        "`-- pgshift: phase=contract` at the top of a migration tells pgshift which step of an "
        "expand-contract change the file is, and the rules judge it accordingly. A misspelt "
        "phase, an unknown key, or a marker placed after the first statement would otherwise be "
        "ignored without a word, and the file judged as if it had none.",
    .bad = "-- pgshift: phase=cleanup\nALTER TABLE users DROP COLUMN legacy_flag;",
    .good = "-- pgshift: phase=contract\nALTER TABLE users DROP COLUMN legacy_flag;",
    .severity = Severity::kError,
};

}  // namespace
PGSHIFT_REGISTER_RULE(kDoc, nullptr);
}  // namespace pgshift::rules
