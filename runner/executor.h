// `pgshift run`: applies a plan's stages in order against the target, resuming where the ledger
// says the last run stopped, and stopping after the last stage asked for.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "runner/database.h"
#include "runner/events.h"
#include "runner/plan.h"
#include "runner/plan_review.h"
#include "runner/settings.h"

namespace pgshift::runner {

struct RunRequest {
  std::size_t through = 0;  // stages [0, through) run; see ResolveThrough
  bool force = false;       // run although the plan changed since its stages ran
  bool accept_drift = false;  // go on although the catalog changed since the last checkpoint
};

struct Outcome {
  bool ok = false;
  std::string message;  // why it stopped, or what it did
  int interrupted = 0;  // SIGINT or SIGTERM when a signal stopped it
  bool preflight = false;  // refused by preflight (runner/preflight.h): no stage ran
};

// "switch" (the default), any phase name, or a stage id: how many stages a run covers.
std::variant<std::size_t, std::string> ResolveThrough(const Plan& plan, const std::string& through);

// A SIGINT or SIGTERM (runner/interrupt.h) cancels the statement in flight, records the stage as
// interrupted and returns an outcome carrying the signal.
Outcome RunPlan(Database& db, const Plan& plan, const PlanReview& review,
                const RunSettings& settings, const RunRequest& request, EventSink& sink);

// The ledger assignments that close a stage: done, finished now, with the catalog fingerprint
// taken inside the caller's open transaction.
DbResult<std::string> DoneAssignments(Database& db, const CatalogObjects& objects);

}  // namespace pgshift::runner
