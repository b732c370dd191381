// The backfill engine: keyset batches over the table's key up to the largest key at start, each
// batch one transaction that finds its last key, updates (or, with `delete = true`, deletes; with
// `insert_into`, copies: runner/backfill_copy.h) the rows up to it and advances the cursor in the
// ledger, with the batch size adapting toward a target duration. Resumes from the last committed
// batch.
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

// The statements of one batch after `cursor` (null: from the start): the query for the key
// `limit` rows on, and the change of the rows up to a key (here `max_key`). Exposed for EXPLAIN.
struct BatchStatements {
  std::string upper_key, change;
};
BatchStatements BackfillBatchStatements(Database& db, const BackfillSpec& spec,
                                        const std::vector<KeyColumn>& key,
                                        const std::vector<std::string>* cursor,
                                        const std::vector<std::string>& max_key, long limit);

// The next batch size: scaled toward `target` by the last batch's duration, at most doubling or
// halving per batch, within [min, max].
// `min_factor`: how far one step may shrink it (a batch that made the application wait is cut
// down at once, not halved batch by batch).
long NextBatchSize(long current, Millis took, Millis target, long min, long max,
                   double min_factor = 0.5);

}  // namespace pgshift::runner
