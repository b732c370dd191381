// `pgshift plan` output: every stage with its statements, locks, lint verdicts, gate and rollback.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "runner/plan.h"
#include "runner/plan_review.h"

namespace pgshift::runner {

void RenderPlanText(const Plan& plan, const PlanReview& review, std::ostream& out);
nlohmann::json PlanJson(const Plan& plan, const PlanReview& review);

}  // namespace pgshift::runner
