// Ctrl-C and SIGTERM against the real pgshift binary and a real server: the statement in flight
// is cancelled on the server, the stage is recorded as interrupted (never done), the exit code is
// 130 or 143, a second signal exits at once, and a later run resumes and completes.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <thread>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool WaitFor(const std::function<bool()>& condition, int seconds = 20) {
  for (auto end = Clock::now() + std::chrono::seconds(seconds); Clock::now() < end;) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The expand stage sleeps as long as the table `nap` says, inside the transaction that adds the
// column: an interrupted run must leave no column behind.
const char* kSleepyPlan = R"toml(
id = "sleepy"
[[stage]]
id = "add"
phase = "expand"
sql = ["ALTER TABLE t ADD COLUMN c int", "SELECT pg_sleep((SELECT seconds FROM nap))"]
rollback = "ALTER TABLE t DROP COLUMN c"
)toml";

class Signal : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_,
        "CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);"
        "CREATE TABLE nap (seconds float8); INSERT INTO nap VALUES (60)");
  }
  void TearDown() override {
    if (background_.joinable()) background_.join();
  }

  void Start(std::vector<std::string> args) {
    background_ = std::thread([this, args] { background_result_ = workspace_.Pgshift(args); });
  }
  ProcessResult Finish() {
    if (background_.joinable()) background_.join();
    return background_result_;
  }
  pid_t RunnerPid() {
    const std::string runner = Scalar(*db_, "SELECT runner FROM pgshift.plans");
    return static_cast<pid_t>(std::stol(runner.substr(std::string("pgshift pid ").size())));
  }
  // The server pid of the session running the plan's sleep, or 0.
  int SleepingBackend() {
    const std::string pid = Scalar(*db_,
                                   "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND "
                                   "query LIKE 'SELECT pg_sleep((SELECT seconds FROM nap))%'");
    return pid.empty() ? 0 : std::stoi(pid);
  }
  std::string ColumnCount() {
    return Scalar(*db_,
                  "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND "
                  "column_name = 'c'");
  }

  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Workspace workspace_{"signal"};
  std::thread background_;
  ProcessResult background_result_;
};

TEST_F(Signal, SigintCancelsTheStatementRecordsInterruptedAndResumes) {
  const std::string plan = workspace_.Write("plan.toml", kSleepyPlan);
  Start({"run", plan, "--db", url_});
  int backend = 0;
  ASSERT_TRUE(WaitFor([&] { return (backend = SleepingBackend()) != 0; }));
  const auto sent = Clock::now();
  ASSERT_EQ(kill(RunnerPid(), SIGINT), 0);
  const ProcessResult stopped = Finish();
  const double seconds = std::chrono::duration<double>(Clock::now() - sent).count();
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err << stopped.out;
  EXPECT_LT(seconds, 10) << "the 60 s statement was not cancelled";
  EXPECT_TRUE(Contains(stopped.err, "interrupted by SIGINT")) << stopped.err;
  EXPECT_TRUE(Contains(stopped.err, "to resume, run `pgshift run " + plan)) << stopped.err;
  // The server cancelled the statement: the backend is no longer in it.
  EXPECT_EQ(SleepingBackend(), 0);
  EXPECT_EQ(ColumnCount(), "0") << "the cancelled transaction was committed";
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "interrupted");
  EXPECT_TRUE(Contains(Scalar(*db_, "SELECT error FROM pgshift.stages"), "SIGINT"));
  const ProcessResult status = workspace_.Pgshift({"status", plan, "--db", url_});
  EXPECT_TRUE(Contains(status.out, "interrupted: interrupted by SIGINT")) << status.out;
  const ProcessResult history = workspace_.Pgshift({"history", "--json"});
  EXPECT_TRUE(Contains(history.out, "\"outcome\": \"interrupted\"")) << history.out;
  EXPECT_TRUE(Contains(history.out, "stage-interrupted")) << history.out;

  Sql(*db_, "UPDATE nap SET seconds = 0");
  const ProcessResult resumed = workspace_.Pgshift({"run", plan, "--db", url_});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_EQ(ColumnCount(), "1");
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "done");
}

TEST_F(Signal, SigtermMidBackfillKeepsCommittedBatchesAndResumesExactly) {
  Sql(*db_, "INSERT INTO t (id) SELECT i FROM generate_series(1, 40000) i");
  const std::string plan = workspace_.Write("plan.toml", R"toml(
id = "count-once"
[[stage]]
id = "bump"
phase = "backfill"
backfill = { table = "t", set = "n = n + 1" }
rollback = []
)toml");
  Start({"run", plan, "--db", url_, "--batch-size", "500", "--batch-time", "1ms", "--throttle",
         "20ms", "--progress", "none"});
  ASSERT_TRUE(WaitFor([&] {
    return Scalar(*db_, "SELECT to_regclass('pgshift.stages') IS NOT NULL") == "t" &&
           Scalar(*db_, "SELECT coalesce(max(rows_scanned), 0) >= 3000 FROM pgshift.stages") ==
               "t";
  }));
  ASSERT_EQ(kill(RunnerPid(), SIGTERM), 0);
  const ProcessResult stopped = Finish();
  EXPECT_EQ(stopped.exit_code, 143) << stopped.err;
  EXPECT_TRUE(Contains(stopped.err, "interrupted by SIGTERM")) << stopped.err;
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "interrupted");
  const std::string committed = Scalar(*db_, "SELECT rows_scanned FROM pgshift.stages");
  EXPECT_LT(std::stoll(committed), 40000);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), committed)
      << "the ledger's cursor and the data disagree";
  const ProcessResult resumed =
      workspace_.Pgshift({"run", plan, "--db", url_, "--progress", "none"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_TRUE(Contains(resumed.out, "resuming")) << resumed.out;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "40000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n <> 1"), "0");
}

// The first signal's bookkeeping waits on a lock the test holds on the ledger; the second signal
// must not wait for it.
TEST_F(Signal, ASecondSignalExitsAtOnce) {
  const std::string plan = workspace_.Write("plan.toml", kSleepyPlan);
  Start({"run", plan, "--db", url_, "--lock-timeout", "20s"});
  ASSERT_TRUE(WaitFor([&] { return SleepingBackend() != 0; }));
  const pid_t runner = RunnerPid();
  auto holder = ConnectTo(url_);
  ASSERT_TRUE(holder);
  Sql(*holder, "BEGIN; LOCK pgshift.stages IN EXCLUSIVE MODE");
  ASSERT_EQ(kill(runner, SIGINT), 0);
  const bool waiting = WaitFor([&] {
    return Scalar(*db_,
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                  "query LIKE 'UPDATE pgshift.stages SET status = ''interrupted''%'") == "1";
  });
  if (!waiting) {
    const ProcessResult early = Finish();
    FAIL() << "exit " << early.exit_code << "\n" << early.out << early.err;
  }
  const auto sent = Clock::now();
  ASSERT_EQ(kill(runner, SIGINT), 0);
  const ProcessResult stopped = Finish();
  const double seconds = std::chrono::duration<double>(Clock::now() - sent).count();
  EXPECT_EQ(stopped.exit_code, 130);
  EXPECT_LT(seconds, 5) << "the second signal waited for the ledger";
  Sql(*holder, "ROLLBACK");
  EXPECT_NE(Scalar(*db_, "SELECT status FROM pgshift.stages"), "done");
}

}  // namespace
}  // namespace pgshift::testing
