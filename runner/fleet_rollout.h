// A fleet rollout: one plan across many databases, wave by wave, the canary first. Each target
// keeps its own ledger, so the rollout's state is the targets' ledgers: a rerun resumes every
// target where it stands and skips those already through the requested stage.
#pragma once

#include <string>
#include <vector>

#include "runner/events.h"
#include "runner/executor.h"
#include "runner/fleet_file.h"
#include "runner/plan.h"
#include "runner/plan_review.h"
#include "runner/rollback.h"
#include "runner/settings.h"

namespace pgshift::runner {

struct FleetRunRequest {
  RunRequest run;    // through, force, accept_drift: as for one target
  int parallel = 1;  // targets of a wave run at once
};

// What happened to one target in this invocation.
struct FleetTargetResult {
  std::string wave, target;  // target: its name (passwords never appear)
  // ran, already-through, skipped-unreachable, unreachable, failed, refused, interrupted,
  // not-started, rolled-back, never-ran
  std::string state = "not-started";
  std::string message;
};

struct FleetOutcome {
  bool ok = false;
  std::string message;                     // why it halted, or what it did
  int interrupted = 0;                     // SIGINT or SIGTERM when a signal stopped it
  bool preflight = false;                  // a target refused the plan before running anything
  std::vector<FleetTargetResult> targets;  // in fleet order
};

// Runs the waves in order. After each wave but the last, the fleet's gate must pass on every
// target of the wave at the start and every check_every for `soak`; after the last wave it is
// checked once. A target that fails, an unreachable target under `unreachable = "halt"`, or a
// failing gate halts the rollout: no further target starts, those running finish at a checkpoint.
// A signal cancels every running target's statement (runner/interrupt.h).
FleetOutcome RunFleet(const Fleet& fleet, const Plan& plan, const PlanReview& review,
                      const RunSettings& settings, const FleetRunRequest& request, EventSink& sink);

// Rolls back every target the plan ran on, the last wave first; unreachable targets are reported
// and the others still rolled back.
FleetOutcome RollbackFleet(const Fleet& fleet, const Plan& plan, const PlanReview& review,
                           const RunSettings& settings, const RollbackRequest& request,
                           EventSink& sink);

}  // namespace pgshift::runner
