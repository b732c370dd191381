// What `pgshift status` and `pgshift run --format json` say of a plan's stages, from the ledger:
// one JSON shape, one duration and one exit code, so that the two commands never disagree.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "cli/exit_code.h"
#include "runner/ledger.h"
#include "runner/plan.h"
#include "runner/settings.h"

namespace pgshift::cli {

// A stage's duration as the ledger has it: from its first start (a resumed stage keeps it) to its
// end, or so far when it is running.
runner::Millis StageDuration(const runner::StageRecord& stage);

// Every stage of `plan`, in order, with its ledger record (pending when it has none).
nlohmann::json StagesJson(const runner::Plan& plan, const std::optional<runner::PlanRecord>& record);

// kFindings (1) when a stage has failed, kClean otherwise.
ExitCode StatusExitCode(const std::optional<runner::PlanRecord>& record);

}  // namespace pgshift::cli
