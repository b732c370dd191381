// What the examples tests do with a plan and an application: run the plan stage by stage under
// the application's two releases (app.toml), deployed and retired at the stages it names; run the
// one-shot migration under the same load, for comparison; prove the rollback from every
// checkpoint before contract; and record every statement's latency for the examples' charts.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "runner/plan.h"
#include "tests/examples/app_spec.h"
#include "tests/examples/workload.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {

// The runner's default lock timeout (the examples have no pgshift.toml): the longest an
// application statement may wait behind a plan's stage.
constexpr auto kLockTimeout = std::chrono::milliseconds(500);
// A statement queued behind a stage's lock request waits up to the lock timeout and then still
// has to run; on a loaded machine (CI, the sanitizer build) that adds tens of milliseconds. A
// stall of the kind the one-shot migrations cause on a large table lasts seconds.
constexpr auto kStatementAllowance = std::chrono::milliseconds(250);

// The statements of one run and what happened when, relative to the run's start. When
// PGSHIFT_EXAMPLES_LATENCY_DIR is set, Write puts them in DIR/EXAMPLE/RUN.csv, one line each:
//   sample,RELEASE,START_MS,LATENCY_MS,OK     (OK: 1, or 0 for a failed statement)
//   mark,AT_MS,LABEL                          (a stage, a deploy, the one-shot migration)
// which tools/latency_chart.py draws.
class LatencyLog {
 public:
  LatencyLog() : epoch_(std::chrono::steady_clock::now()) {}
  void Mark(const std::string& label);
  void Write(const std::string& example, const std::string& run,
             const std::vector<const Workload*>& releases) const;
  static bool Wanted();

 private:
  std::chrono::steady_clock::time_point epoch_;
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> marks_;
};

// The application's deploy and retirement points moved from the hand-written plan's stages to
// another plan's, by phase: a release deployed after a stage of phase P is deployed after the
// other plan's last stage of phase P or earlier; one retired before a stage of phase P is retired
// before the other plan's first stage of phase P or later.
AppSpec MovedToPlan(const AppSpec& app, const runner::Plan& hand_written,
                    const runner::Plan& other);

// Runs `plan_path` on `url` stage by stage through contract while the releases run, each from
// its deploy to its retirement. Fails the test when a stage fails, a release errs or stops making
// progress, or one of its statements takes longer than the lock timeout; then `app.check` must
// hold. `run` names the run in messages and in the latency log.
void RunUnderLoad(const Workspace& workspace, const std::string& plan_path,
                  const runner::Plan& plan, const AppSpec& app, const std::string& url,
                  const std::string& example, const std::string& run);

// Runs the one-shot migration `sql` on `url` as one batch while the old release runs, then
// deploys the new one; records the latencies (only when the log is wanted: nothing is asserted
// but that the migration itself succeeds).
void RunOneShotUnderLoad(const std::string& sql, const AppSpec& app, const std::string& url,
                         const std::string& example);

// From every checkpoint before contract, `pgshift rollback` one stage back, and once from the
// last checkpoint to the seed: each must report that the catalog matches, and a pg_catalog
// snapshot must equal the one taken at that checkpoint. `url` holds the seed alone.
void RollsBackFromEveryCheckpoint(const Workspace& workspace, const std::string& plan_path,
                                  const runner::Plan& plan, const std::string& url);

}  // namespace pgshift::testing
