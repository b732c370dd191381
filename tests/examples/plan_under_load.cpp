#include "tests/examples/plan_under_load.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/examples/catalog_snapshot.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

// Iterations each running release completes between two stages, so that every stage boundary
// is crossed under load (the releases also run while each stage runs).
constexpr long kIterationsPerStep = 5;
constexpr auto kProgressTimeout = std::chrono::seconds(30);

const char* LatencyDir() { return std::getenv("PGSHIFT_EXAMPLES_LATENCY_DIR"); }

double Milliseconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Both releases of an application, each a workload on its own connection.
class Releases {
 public:
  Releases(const AppSpec& app, const std::string& url)
      : old_(url, app.old_release, counter_), new_(url, app.new_release, counter_) {
    specs_ = {{&app.old_release, &old_}, {&app.new_release, &new_}};
  }
  const std::vector<std::pair<const AppRelease*, Workload*>>& All() const { return specs_; }
  // Each running release must get on with its work, or it is stuck behind a lock.
  void Progress(const std::string& when) {
    for (const auto& [release, workload] : specs_) {
      if (workload->Running()) {
        EXPECT_TRUE(workload->WaitForIterations(kIterationsPerStep, kProgressTimeout))
            << "the " << release->name << " release made no progress " << when;
      }
    }
  }
  std::vector<const Workload*> Workloads() const { return {&old_, &new_}; }

 private:
  std::atomic<long> counter_{0};
  Workload old_, new_;
  std::vector<std::pair<const AppRelease*, Workload*>> specs_;
};

std::string MovedStage(const std::string& stage, const runner::Plan& from, const runner::Plan& to,
                       bool deploy) {
  if (stage.empty()) return stage;
  rules::Phase phase = rules::Phase::kExpand;
  for (const runner::Stage& s : from.stages) {
    if (s.id == stage) phase = s.phase;
  }
  std::string moved;
  for (const runner::Stage& s : to.stages) {
    if (deploy && s.phase <= phase) moved = s.id;                    // the last one
    if (!deploy && s.phase >= phase && moved.empty()) moved = s.id;  // the first one
  }
  return moved;
}

}  // namespace

bool LatencyLog::Wanted() { return LatencyDir() != nullptr && *LatencyDir() != '\0'; }

void LatencyLog::Mark(const std::string& label) {
  marks_.emplace_back(std::chrono::steady_clock::now(), label);
}

void LatencyLog::Write(const std::string& example, const std::string& run,
                       const std::vector<const Workload*>& releases) const {
  if (!Wanted()) return;
  const fs::path dir = fs::path(LatencyDir()) / example;
  std::error_code error;
  fs::create_directories(dir, error);
  std::ofstream out(dir / (run + ".csv"));
  ASSERT_TRUE(out) << "cannot write " << (dir / (run + ".csv"));
  char line[160];
  for (const Workload* release : releases) {
    for (const LatencySample& sample : release->Samples()) {
      std::snprintf(line, sizeof line, "sample,%s,%.3f,%.3f,%d\n", release->Name().c_str(),
                    Milliseconds(sample.start - epoch_), sample.latency.count() / 1000.0,
                    sample.ok ? 1 : 0);
      out << line;
    }
  }
  for (const auto& [at, label] : marks_) {
    std::snprintf(line, sizeof line, "mark,%.3f,", Milliseconds(at - epoch_));
    out << line << label << "\n";
  }
}

AppSpec MovedToPlan(const AppSpec& app, const runner::Plan& hand_written,
                    const runner::Plan& other) {
  AppSpec moved = app;
  for (AppRelease* release : {&moved.old_release, &moved.new_release}) {
    release->deployed_after = MovedStage(release->deployed_after, hand_written, other, true);
    release->retired_before = MovedStage(release->retired_before, hand_written, other, false);
  }
  return moved;
}

void RunUnderLoad(const Workspace& workspace, const std::string& plan_path,
                  const runner::Plan& plan, const AppSpec& app, const std::string& url,
                  const std::string& example, const std::string& run) {
  LatencyLog log;
  Releases releases(app, url);
  for (const auto& [release, workload] : releases.All()) {
    if (release->deployed_after.empty()) workload->Start();
  }
  releases.Progress("before the first stage");
  for (const runner::Stage& stage : plan.stages) {
    for (const auto& [release, workload] : releases.All()) {
      if (release->retired_before == stage.id && workload->Running()) {
        workload->Stop();
        log.Mark(release->name + " release retired");
      }
    }
    log.Mark(stage.id);
    const ProcessResult result = workspace.Pgshift(
        {"run", plan_path, "--db", url, "--through", stage.id, "--progress", "none"});
    EXPECT_EQ(result.exit_code, 0) << run << ": pgshift run --through " << stage.id << "\n"
                                   << result.out << result.err;
    if (result.exit_code != 0) break;
    releases.Progress("after stage " + stage.id);
    for (const auto& [release, workload] : releases.All()) {
      if (release->deployed_after == stage.id) {
        workload->Start();
        log.Mark(release->name + " release deployed");
      }
    }
    releases.Progress("after the deploys that follow stage " + stage.id);
  }
  log.Mark("done");
  for (const auto& [release, workload] : releases.All()) {
    workload->Stop();
    for (const std::string& error : workload->Errors()) ADD_FAILURE() << run << ": " << error;
    EXPECT_EQ(workload->ErrorCount(), 0)
        << run << ": errors in the " << release->name << " release";
    EXPECT_GE(workload->Iterations(), kIterationsPerStep)
        << run << ": the " << release->name << " release never ran";
    std::chrono::microseconds longest{0};
    for (const LatencySample& sample : workload->Samples()) {
      longest = std::max(longest, sample.latency);
    }
    EXPECT_LT(longest.count(),
              std::chrono::microseconds(kLockTimeout + kStatementAllowance).count())
        << run << ": a statement of the " << release->name << " release took "
        << longest.count() / 1000.0 << " ms, longer than the lock timeout and the time to run";
  }
  log.Write(example, run, releases.Workloads());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM pgshift.stages WHERE plan_id = " +
                            db->QuoteLiteral(plan.id) + " AND status <> 'done'"),
            "0")
      << run;
  if (!app.check.empty()) {
    EXPECT_EQ(Scalar(*db, app.check), "t") << run << ": check: " << app.check;
  }
}

void RunOneShotUnderLoad(const std::string& sql, const AppSpec& app, const std::string& url,
                         const std::string& example) {
  LatencyLog log;
  Releases releases(app, url);
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  for (const auto& [release, workload] : releases.All()) {
    if (release->deployed_after.empty()) workload->Start();
  }
  releases.Progress("before the one-shot migration");
  log.Mark("naive.sql");
  Sql(*db, sql);
  log.Mark("naive.sql done");
  releases.Progress("after the one-shot migration");
  for (const auto& [release, workload] : releases.All()) {
    if (!workload->Running()) {
      workload->Start();
      log.Mark(release->name + " release deployed");
    }
  }
  releases.Progress("after the deploy");
  releases.Progress("after the deploy");
  log.Mark("done");
  for (const auto& [release, workload] : releases.All()) workload->Stop();
  log.Write(example, "naive", releases.Workloads());
}

void RollsBackFromEveryCheckpoint(const Workspace& workspace, const std::string& plan_path,
                                  const runner::Plan& plan, const std::string& url) {
  std::vector<std::string> reversible;  // the stages before contract
  for (const runner::Stage& stage : plan.stages) {
    if (stage.phase != rules::Phase::kContract) reversible.push_back(stage.id);
  }
  ASSERT_FALSE(reversible.empty()) << plan_path << " has no stage before contract";
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  auto run_through = [&](const std::string& stage) {
    const ProcessResult run = workspace.Pgshift(
        {"run", plan_path, "--db", url, "--through", stage, "--progress", "none"});
    EXPECT_EQ(run.exit_code, 0) << plan_path << " --through " << stage << "\n"
                                << run.out << run.err;
    return run.exit_code == 0;
  };
  // snapshots[k]: the catalog after the first k stages (0: the seed alone).
  std::vector<std::vector<std::string>> snapshots = {CatalogSnapshot(*db)};
  for (const std::string& stage : reversible) {
    ASSERT_TRUE(run_through(stage));
    snapshots.push_back(CatalogSnapshot(*db));
  }
  auto rollback = [&](std::size_t keep) {
    std::vector<std::string> args = {"rollback", plan_path, "--db", url};
    if (keep > 0) args.insert(args.end(), {"--to", reversible[keep - 1]});
    const ProcessResult result = workspace.Pgshift(args);
    const std::string shown = keep > 0 ? "--to " + reversible[keep - 1] : "to the baseline";
    EXPECT_EQ(result.exit_code, 0) << plan_path << ": pgshift rollback " << shown << "\n"
                                   << result.out << result.err;
    EXPECT_NE((result.out + result.err).find("the catalog matches"), std::string::npos)
        << plan_path << ": pgshift rollback " << shown << "\n"
        << result.out << result.err;
    const std::string diff = SnapshotDiff(snapshots[keep], CatalogSnapshot(*db));
    EXPECT_TRUE(diff.empty()) << plan_path << ": after pgshift rollback " << shown
                              << ", pg_catalog differs from the checkpoint:\n"
                              << diff;
  };
  // From each checkpoint, one stage back.
  for (std::size_t k = reversible.size(); k-- > 0;) rollback(k);
  // And from the last checkpoint before contract all the way back, in one rollback.
  ASSERT_TRUE(run_through(reversible.back()));
  EXPECT_TRUE(SnapshotDiff(snapshots.back(), CatalogSnapshot(*db)).empty())
      << plan_path << ": running the plan again did not reach the same catalog";
  rollback(0);
}

}  // namespace pgshift::testing
