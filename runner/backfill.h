// The backfill engine: keyset batches over the table's key up to the largest key at start, each
// batch one statement that updates the rows and advances the cursor in the ledger together, with
// the batch size adapting toward a target duration. Resumes from the last committed batch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/ledger.h"
#include "runner/plan.h"
#include "runner/steps.h"

namespace pgshift::runner {

std::optional<StepFailure> RunBackfill(StepContext& context, const std::string& plan_id,
                                       const BackfillSpec& spec, const StageRecord& record);

// The next batch size: scaled toward `target` by the last batch's duration, at most doubling or
// halving per batch, within [min, max].
long NextBatchSize(long current, Millis took, Millis target, long min, long max);

}  // namespace pgshift::runner
