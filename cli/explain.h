// The text of `pgshift explain RULE`: why a rule matters and the safe alternative. The language
// server shows the same text on hover.
#pragma once

#include <ostream>

#include "rules/rule.h"

namespace pgshift::cli {

void Explain(const rules::RuleDoc& doc, std::ostream& out);

}  // namespace pgshift::cli
