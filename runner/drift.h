// Drift: the catalog changed by hand between two stages, or between a run and its rollback. Before
// a stage starts, and before a rollback acts, the objects the plan names must still match the
// last checkpoint (runner/fingerprint.h); otherwise the runner stops before it acts, showing what
// differs, unless the operator accepts the drift (recorded in the journal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/steps.h"

namespace pgshift::runner {

struct DriftCheck {
  std::string checkpoint;         // "the baseline", "the checkpoint of stage `add`"
  std::string checkpoint_detail;  // the fingerprint lines the ledger kept for it
};

// Compares the catalog now with `check`. Returns nullopt when it matches, or when the drift is
// accepted (a `drift-accepted` event lists it); otherwise the failure to stop with, whose message
// lists every differing line. `before` says what was about to happen ("stage `x`", "the rollback").
std::optional<StepFailure> CheckDrift(StepContext& context, const DriftCheck& check,
                                      const std::string& before, bool accept);

}  // namespace pgshift::runner
