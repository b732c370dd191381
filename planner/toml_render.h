// A MigrationPlan as a plan file for `pgshift plan` and `pgshift run` (docs/plan-format.md),
// with comments for people: what each stage does, what to deploy around it, and every statement
// that was not made safe.
#pragma once

#include <string>

#include "planner/migration_plan.h"

namespace pgshift::planner {

std::string RenderToml(const MigrationPlan& plan);

// A TOML string: basic, or multi-line basic when the text holds a newline.
std::string TomlString(const std::string& text);

}  // namespace pgshift::planner
