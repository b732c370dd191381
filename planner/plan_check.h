// The generated plan, checked as `pgshift plan` checks it (runner/plan_review.h): the stages that
// came from a statement whose stages do not pass (a statement passed through that lints as an
// error in its phase) are taken out and reported as not made safe, so that the plan written
// always passes.
#pragma once

#include <string>
#include <vector>

#include "planner/migration_plan.h"
#include "rules/lint_settings.h"

namespace pgshift::planner {

struct CheckedPlan {
  MigrationPlan plan;
  std::string toml;
  // Errors no statement of the migration explains (should not happen): the plan is not usable.
  std::vector<std::string> errors;
};

// `plan_path` is where the plan will be written (it names the plan in messages).
CheckedPlan CheckPlan(MigrationPlan plan, const std::string& plan_path,
                      const rules::LintSettings& settings);

}  // namespace pgshift::planner
