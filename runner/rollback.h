// `pgshift rollback`: undoes completed stages in reverse with their rollback SQL, each in the
// same transaction as its ledger update, then proves the catalog is back at the checkpoint.
#pragma once

#include <optional>
#include <string>

#include "runner/database.h"
#include "runner/events.h"
#include "runner/executor.h"
#include "runner/plan.h"
#include "runner/plan_review.h"
#include "runner/settings.h"

namespace pgshift::runner {

struct RollbackRequest {
  std::string to;      // keep this stage and those before it; empty: undo every stage
  bool force = false;  // roll back although the plan changed since it ran
  bool accept_drift = false;  // roll back although the catalog changed since the last checkpoint
};

Outcome RollbackPlan(Database& db, const Plan& plan, const PlanReview& review,
                     const RunSettings& settings, const RollbackRequest& request, EventSink& sink);

}  // namespace pgshift::runner
