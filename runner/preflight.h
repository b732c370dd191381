// Preflight: before a run's first statement, every stage it is about to run is checked against
// the live catalog, replayed stage by stage: a table or column a statement or backfill names must
// exist now or be created by an earlier statement of the plan, and a backfill's table must have a
// primary key (or the plan's `key`). A run whose preflight fails runs nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runner/database.h"
#include "runner/ledger.h"
#include "runner/plan.h"
#include "runner/plan_review.h"

namespace pgshift::runner {

// The problems, each naming the stage, the statement (with its plan line) and the object; empty
// when the stages [0, through) not yet done can run. `record` is the plan's ledger, if any:
// stages it records as done are already in the catalog, and a resumed stage's committed
// statements too.
DbResult<std::vector<std::string>> Preflight(Database& db, const Plan& plan,
                                             const PlanReview& review, const PlanRecord* record,
                                             std::size_t through);

}  // namespace pgshift::runner
