// What `run`, `status` and `rollback` do with --fleet: read the fleet file and hand the targets to
// runner/fleet_rollout.h or runner/fleet_status.h, with the journal and console they use alone.
#pragma once

#include <optional>
#include <string>

#include "cli/runner_support.h"
#include "runner/fleet_file.h"
#include "runner/fleet_rollout.h"

namespace pgshift::cli {

// The fleet, or nullopt after printing every error (exit code 2).
std::optional<runner::Fleet> LoadFleet(const std::string& path, const std::string& command,
                                       int& exit_code);

// The waves and their targets (passwords hidden), for --dry-run.
void PrintFleetWaves(const runner::Fleet& fleet, std::ostream& out);

struct FleetConsole {
  std::string journal, progress = "none", plan_path;
};

int RunFleetCommand(const LoadedPlan& loaded, const runner::RunSettings& settings,
                    const runner::Fleet& fleet, const runner::FleetRunRequest& request,
                    const FleetConsole& console);
int RollbackFleetCommand(const LoadedPlan& loaded, const runner::RunSettings& settings,
                         const runner::Fleet& fleet, const runner::RollbackRequest& request,
                         const FleetConsole& console);
int FleetStatusCommand(const LoadedPlan& loaded, const runner::Fleet& fleet, bool json);

}  // namespace pgshift::cli
