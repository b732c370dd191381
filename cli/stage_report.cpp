#include "cli/stage_report.h"

#include <algorithm>
#include <cmath>

#include "rules/phase.h"

namespace pgshift::cli {

runner::Millis StageDuration(const runner::StageRecord& stage) {
  return runner::Millis(std::llround(stage.seconds * 1000));
}

nlohmann::json StagesJson(const runner::Plan& plan, const std::optional<runner::PlanRecord>& record) {
  nlohmann::json stages = nlohmann::json::array();
  for (const runner::Stage& stage : plan.stages) {
    const runner::StageRecord* found = record ? record->Find(stage.id) : nullptr;
    const runner::StageRecord pending;
    const runner::StageRecord& s = found != nullptr ? *found : pending;
    stages.push_back(
        {{"id", stage.id},
         {"phase", rules::PhaseName(stage.phase)},
         {"status", s.status},
         {"started_at", s.started_at},
         {"finished_at", s.finished_at},
         {"seconds", s.seconds},
         {"duration_ms", s.started_at.empty() ? nlohmann::json(nullptr)
                                              : nlohmann::json(StageDuration(s).count())},
         {"attempts", s.attempts},
         {"steps_done", s.steps_done},
         {"rows_done", s.rows_done},
         {"rows_scanned", s.rows_scanned},
         {"rows_total", s.rows_total ? nlohmann::json(*s.rows_total) : nlohmann::json(nullptr)},
         {"cursor", s.cursor},
         {"checkpoint", s.fingerprint},
         {"error", s.error}});
  }
  return stages;
}

ExitCode StatusExitCode(const std::optional<runner::PlanRecord>& record) {
  if (!record) return ExitCode::kClean;
  const bool failed = std::any_of(record->stages.begin(), record->stages.end(),
                                  [](const runner::StageRecord& s) { return s.status == "failed"; });
  return failed ? ExitCode::kFindings : ExitCode::kClean;
}

}  // namespace pgshift::cli
