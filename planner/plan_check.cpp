#include "planner/plan_check.h"

#include <algorithm>
#include <map>
#include <variant>

#include "planner/toml_render.h"
#include "runner/plan.h"
#include "runner/plan_review.h"

namespace pgshift::planner {

namespace {

// The stage id an error of ReviewPlan names ("plan.toml:9: stage `x` sql: ..."), or empty.
std::string StageNamed(const std::string& message) {
  const std::string marker = "stage `";
  const std::size_t begin = message.find(marker);
  if (begin == std::string::npos) return "";
  const std::size_t end = message.find('`', begin + marker.size());
  if (end == std::string::npos) return "";
  return message.substr(begin + marker.size(), end - begin - marker.size());
}

}  // namespace

CheckedPlan CheckPlan(MigrationPlan plan, const std::string& plan_path,
                      const rules::LintSettings& settings) {
  CheckedPlan checked;
  // Each round takes out at least one statement's stages, so this ends.
  for (;;) {
    checked.toml = RenderToml(plan);
    if (plan.stages.empty()) break;
    auto parsed = runner::ParsePlan(checked.toml, plan_path);
    if (auto* errors = std::get_if<runner::PlanErrors>(&parsed)) {
      checked.errors = errors->messages;
      break;
    }
    const runner::PlanReview review = runner::ReviewPlan(std::get<runner::Plan>(parsed), settings);
    if (review.errors.empty()) break;
    std::map<std::size_t, std::string> failed;  // source statement → the first error
    for (const std::string& message : review.errors) {
      const std::string id = StageNamed(message);
      for (const PlannedStage& stage : plan.stages) {
        if (!id.empty() && stage.id == id) failed.emplace(stage.source, message);
      }
    }
    if (failed.empty()) {
      checked.errors = review.errors;
      break;
    }
    std::erase_if(plan.stages,
                  [&](const PlannedStage& stage) { return failed.count(stage.source) > 0; });
    for (const auto& [source, message] : failed) {
      const SourceStatement& statement = plan.sources[source];
      std::string reason = message;
      const std::size_t after = message.find(": stage `");
      if (after != std::string::npos) reason = message.substr(after + 2);
      plan.not_made_safe.push_back({statement.line, statement.column, statement.text,
                                    "its stages would not pass `pgshift plan`: " + reason});
    }
  }
  std::stable_sort(plan.not_made_safe.begin(), plan.not_made_safe.end(),
                   [](const NotMadeSafe& a, const NotMadeSafe& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  checked.toml = RenderToml(plan);
  checked.plan = std::move(plan);
  return checked;
}

}  // namespace pgshift::planner
