// A fleet's state, read from each target's ledger: how far the plan got on every database.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "runner/fleet_file.h"
#include "runner/plan.h"

namespace pgshift::runner {

struct FleetTargetStatus {
  std::string wave, target;  // target: its name, passwords never shown
  bool reachable = true;
  // never-run, in-progress, running (a runner holds it now), through, failed, interrupted,
  // rolled-back, unreachable
  std::string state;
  std::string last_done_stage, last_done_phase;  // empty when no stage is done
  int stages_done = 0;
  std::string problem_stage, error;  // a failed or interrupted stage and why
};

std::vector<FleetTargetStatus> ReadFleetStatus(const Fleet& fleet, const Plan& plan);

void RenderFleetStatusText(const Plan& plan, const Fleet& fleet,
                           const std::vector<FleetTargetStatus>& rows, std::ostream& out);
nlohmann::json FleetStatusJson(const Plan& plan, const Fleet& fleet,
                               const std::vector<FleetTargetStatus>& rows);

}  // namespace pgshift::runner
