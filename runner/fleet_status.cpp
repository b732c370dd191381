#include "runner/fleet_status.h"

#include <iomanip>

#include "runner/ledger.h"
#include "runner/redact.h"
#include "runner/session.h"

namespace pgshift::runner {
namespace {

FleetTargetStatus ReadOne(const FleetWave& wave, const FleetTarget& target, const Plan& plan) {
  FleetTargetStatus status{wave.name, target.name};
  const Redactor redact(target.url);
  auto connected = Connect(target.url, "pgshift status");
  if (const auto* error = ErrorOf(connected)) {
    status.reachable = false;
    status.state = "unreachable";
    status.error = redact.ConnectionFailure(error->message);
    return status;
  }
  Database& db = *std::get<std::unique_ptr<Database>>(connected);
  const std::string plan_id = LedgerPlanId(plan.id, target);
  auto read = ReadPlanRecord(db, plan_id);
  if (const auto* error = ErrorOf(read)) {
    status.reachable = false;
    status.state = "unreachable";
    status.error = "cannot read the ledger: " + redact(error->message);
    return status;
  }
  const auto& record = std::get<std::optional<PlanRecord>>(read);
  status.state = "never-run";
  if (!record) return status;
  bool rolled_back = false, started = false;
  for (const Stage& stage : plan.stages) {
    const StageRecord* s = record->Find(stage.id);
    if (s == nullptr) continue;
    if (s->status == "done") {
      ++status.stages_done;
      status.last_done_stage = stage.id;
      status.last_done_phase = rules::PhaseName(stage.phase);
    }
    if (s->status == "rolled back") rolled_back = true;
    if (s->status != "pending") started = true;
    if (status.problem_stage.empty() &&
        (s->status == "failed" || s->status == "interrupted" || s->status == "running")) {
      status.problem_stage = stage.id;
      status.error = redact(s->error);
      status.state = s->status == "failed" ? "failed" : "interrupted";
    }
  }
  // A stage marked running is being run now only while a runner holds the plan's lock.
  if (status.state == "interrupted" && !PlanLockHolder(db, plan_id).empty()) {
    status.state = "running";
    status.error.clear();
  }
  if (!status.problem_stage.empty()) return status;
  if (status.stages_done > 0)
    status.state = "through";
  else if (rolled_back)
    status.state = "rolled-back";
  else if (started)
    status.state = "in-progress";
  return status;
}

}  // namespace

std::vector<FleetTargetStatus> ReadFleetStatus(const Fleet& fleet, const Plan& plan) {
  std::vector<FleetTargetStatus> rows;
  for (const FleetWave& wave : fleet.waves) {
    for (const FleetTarget& target : wave.targets) rows.push_back(ReadOne(wave, target, plan));
  }
  return rows;
}

void RenderFleetStatusText(const Plan& plan, const Fleet& fleet,
                           const std::vector<FleetTargetStatus>& rows, std::ostream& out) {
  std::size_t width = 6;
  for (const auto& row : rows) width = std::max(width, row.target.size() + 2);
  out << "plan " << plan.id << " across " << rows.size() << " target"
      << (rows.size() == 1 ? "" : "s") << " of " << fleet.path << "\n\n"
      << std::left << std::setw(14) << "wave" << std::setw(static_cast<int>(width)) << "target"
      << std::setw(13) << "state" << std::setw(8) << "done"
      << "last done stage\n";
  std::vector<std::string> notes;
  for (const auto& row : rows) {
    const std::string done =
        std::to_string(row.stages_done) + "/" + std::to_string(plan.stages.size());
    const std::string last =
        row.last_done_stage.empty() ? "-" : row.last_done_stage + " (" + row.last_done_phase + ")";
    out << std::setw(14) << row.wave << std::setw(static_cast<int>(width)) << row.target
        << std::setw(13) << row.state << std::setw(8) << done << last << '\n';
    if (!row.error.empty()) {
      notes.push_back(row.target + ": " +
                      (row.problem_stage.empty() ? "" : "stage `" + row.problem_stage + "` ") +
                      row.error);
    }
  }
  for (const std::string& note : notes) out << '\n' << note << '\n';
}

nlohmann::json FleetStatusJson(const Plan& plan, const Fleet& fleet,
                               const std::vector<FleetTargetStatus>& rows) {
  nlohmann::json out = {{"plan", plan.id},
                        {"fleet", fleet.path},
                        {"stages", plan.stages.size()},
                        {"targets", nlohmann::json::array()}};
  for (const auto& row : rows) {
    out["targets"].push_back({{"wave", row.wave},
                              {"target", row.target},
                              {"reachable", row.reachable},
                              {"state", row.state},
                              {"stages_done", row.stages_done},
                              {"last_done_stage", row.last_done_stage},
                              {"last_done_phase", row.last_done_phase},
                              {"problem_stage", row.problem_stage},
                              {"error", row.error}});
  }
  return out;
}

}  // namespace pgshift::runner
