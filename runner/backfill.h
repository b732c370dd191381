// The backfill engine: keyset batches over the table's key up to the largest key at start, each
// batch one statement that updates (or, with `delete = true`, deletes; with `insert_into`, copies:
// runner/backfill_copy.h) the rows and advances the cursor in the ledger together, with
// the batch size adapting toward a target duration. Resumes from the last committed batch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/backfill_key.h"
#include "runner/ledger.h"
#include "runner/plan.h"
#include "runner/steps.h"

namespace pgshift::runner {

std::optional<StepFailure> RunBackfill(StepContext& context, const std::string& plan_id,
                                       const BackfillSpec& spec, const StageRecord& record);

// The statement of one batch: up to `limit` rows after `cursor` (null: from the start) up to
// `max_key`, with the ledger's cursor advanced in the same statement. Exposed for EXPLAIN.
std::string BackfillBatchStatement(Database& db, const std::string& plan_id,
                                   const std::string& stage_id, const BackfillSpec& spec,
                                   const std::vector<KeyColumn>& key,
                                   const std::vector<std::string>* cursor,
                                   const std::vector<std::string>& max_key, long limit);

// The next batch size: scaled toward `target` by the last batch's duration, at most doubling or
// halving per batch, within [min, max].
long NextBatchSize(long current, Millis took, Millis target, long min, long max);

}  // namespace pgshift::runner
