// The faults of RUNNER.md, each against the real server with the real pgshift binary: a SIGKILL
// mid-backfill and mid-DDL, a server restart, a lock holder, a second runner, a changed plan, a
// failing gate and a failing rollback statement.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/sandbox.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Polls `condition` every 20 ms for up to `seconds`.
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

class Fault : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
  }

  std::string WritePlan(const std::string& text) { return workspace_.Write("plan.toml", text); }
  ProcessResult Pgshift(const std::vector<std::string>& args) { return workspace_.Pgshift(args); }
  // Starts `pgshift args...` on a thread; the result arrives when it ends.
  void Start(std::vector<std::string> args) {
    background_ = std::thread([this, args] { background_result_ = workspace_.Pgshift(args); });
  }
  ProcessResult Finish() {
    if (background_.joinable()) background_.join();
    return background_result_;
  }
  // The OS pid of the runner, as it recorded itself in the ledger.
  pid_t RunnerPid() {
    const std::string runner = Scalar(*db_, "SELECT runner FROM pgshift.plans");
    return static_cast<pid_t>(std::stol(runner.substr(std::string("pgshift pid ").size())));
  }
  long long Scanned() {
    auto rows = db_->Exec("SELECT rows_scanned FROM pgshift.stages WHERE rows_total IS NOT NULL");
    if (runner::ErrorOf(rows) != nullptr || std::get<runner::Rows>(rows).empty()) return 0;
    return std::stoll(std::get<runner::Rows>(rows).Scalar());
  }
  void FillTable(int rows) {
    Sql(*db_,
        "CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);"
        "INSERT INTO t (id) SELECT i FROM generate_series(1, " +
            std::to_string(rows) + ") i");
  }

  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Workspace workspace_{"fault"};
  std::thread background_;
  ProcessResult background_result_;
};

// `n = n + 1` with no WHERE: after the kill and the resume, every row must hold exactly 1.
const char* kBackfillPlan = R"toml(
id = "count-once"
[[stage]]
id = "bump"
phase = "backfill"
backfill = { table = "t", set = "n = n + 1" }
rollback = []
)toml";

const std::vector<std::string> kSlow = {"--batch-size", "500",  "--batch-time", "1ms",
                                        "--throttle",   "15ms", "--progress",   "json"};

TEST_F(Fault, SigkillMidBackfillResumesWithExactData) {
  FillTable(60000);
  const std::string plan = WritePlan(kBackfillPlan);
  std::vector<std::string> args = {"run", plan, "--db", url_};
  args.insert(args.end(), kSlow.begin(), kSlow.end());
  Start(args);
  ASSERT_TRUE(WaitFor([&] { return Scanned() >= 5000; })) << "the backfill never got going";
  ASSERT_EQ(kill(RunnerPid(), SIGKILL), 0);
  const ProcessResult killed = Finish();
  EXPECT_EQ(killed.signal, SIGKILL);
  const long long committed = Scanned();
  EXPECT_LT(committed, 60000);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), std::to_string(committed))
      << "the ledger's cursor and the data disagree";
  const ProcessResult status = Pgshift({"status", plan, "--db", url_});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(Contains(status.out, "stage `bump` interrupted; committed up to key ("))
      << status.out;
  EXPECT_TRUE(Contains(status.out, "`pgshift run` resumes from there")) << status.out;
  const ProcessResult history = Pgshift({"history"});
  EXPECT_TRUE(Contains(history.out, "no end recorded")) << history.out;
  const ProcessResult resumed = Pgshift({"run", plan, "--db", url_, "--progress", "none"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_TRUE(Contains(resumed.out, "resuming t")) << resumed.out;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "60000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n <> 1"), "0");
  EXPECT_EQ(Scalar(*db_, "SELECT rows_done FROM pgshift.stages"), "60000");
}

TEST_F(Fault, SigkillMidDdlLeavesNothingHalfDoneAndResumes) {
  FillTable(10);
  const std::string plan = WritePlan(R"toml(
id = "slow-ddl"
[[stage]]
id = "add"
phase = "expand"
sql = ["ALTER TABLE t ADD COLUMN c int", "SELECT pg_sleep(1.5)"]
rollback = "ALTER TABLE t DROP COLUMN c"
)toml");
  Start({"run", plan, "--db", url_});
  int backend = 0;
  ASSERT_TRUE(WaitFor([&] {
    const std::string pid =
        Scalar(*db_, "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(1.5)%'");
    backend = pid.empty() ? 0 : std::stoi(pid);
    return backend != 0;
  }));
  ASSERT_EQ(kill(RunnerPid(), SIGKILL), 0);
  EXPECT_EQ(Finish().signal, SIGKILL);
  // The server notices the dead client once its statement ends, and rolls the transaction back.
  ASSERT_TRUE(WaitFor([&] {
    return Scalar(*db_, "SELECT count(*) FROM pg_stat_activity WHERE pid = " +
                            std::to_string(backend)) == "0";
  }));
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND "
                   "column_name = 'c'"),
            "0");
  const ProcessResult status = Pgshift({"status", plan, "--db", url_});
  EXPECT_TRUE(Contains(status.out, "stage `add` interrupted; 0 of 2 statements committed"))
      << status.out;
  const ProcessResult resumed = Pgshift({"run", plan, "--db", url_});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND "
                   "column_name = 'c'"),
            "1");
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "done");
}

TEST_F(Fault, ServerRestartMidRunIsReportedAndResumed) {
  FillTable(60000);
  const std::string plan = WritePlan(kBackfillPlan);
  std::vector<std::string> args = {"run", plan, "--db", url_};
  args.insert(args.end(), kSlow.begin(), kSlow.end());
  Start(args);
  ASSERT_TRUE(WaitFor([&] { return Scanned() >= 3000; }));
  db_.reset();
  ASSERT_EQ(runner::RestartSandbox(SharedServer()), std::nullopt);
  const ProcessResult stopped = Finish();
  EXPECT_EQ(stopped.exit_code, 3) << stopped.err;
  EXPECT_TRUE(Contains(stopped.err, "lost the connection")) << stopped.err;
  db_ = ConnectTo(url_);
  ASSERT_TRUE(db_);
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "running");
  const ProcessResult resumed = Pgshift({"run", plan, "--db", url_, "--progress", "none"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "60000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n <> 1"), "0");
}

TEST_F(Fault, ALongTransactionIsRetriedThenNamed) {
  FillTable(10);
  const std::string plan = WritePlan(R"toml(
id = "blocked"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"
)toml");
  auto blocker = ConnectTo(url_);
  ASSERT_TRUE(blocker);
  Sql(*blocker, "BEGIN; SELECT sum(n) FROM t /* nightly report */");
  const ProcessResult blocked = Pgshift({"run", plan, "--db", url_, "--lock-timeout", "100ms",
                                         "--retries", "2", "--retry-delay", "20ms"});
  EXPECT_EQ(blocked.exit_code, 3);
  EXPECT_TRUE(Contains(blocked.err, "after 3 attempts")) << blocked.err;
  EXPECT_TRUE(Contains(blocked.err, IdleBlockerName(*blocker))) << blocked.err;
  EXPECT_TRUE(Contains(blocked.err, "nightly report")) << blocked.err;
  EXPECT_TRUE(Contains(blocked.out, "retrying in")) << blocked.out;
  Sql(*blocker, "COMMIT");
  EXPECT_EQ(Pgshift({"run", plan, "--db", url_}).exit_code, 0);
}

TEST_F(Fault, ASecondRunnerIsRefused) {
  FillTable(8000);
  const std::string plan = WritePlan(kBackfillPlan);
  std::vector<std::string> args = {"run", plan, "--db", url_};
  args.insert(args.end(), kSlow.begin(), kSlow.end());
  Start(args);
  ASSERT_TRUE(WaitFor([&] { return Scanned() > 0; }));
  const pid_t first = RunnerPid();
  const ProcessResult second = Pgshift({"run", plan, "--db", url_});
  EXPECT_EQ(second.exit_code, 3);
  EXPECT_TRUE(Contains(second.err, "is already being run by server pid")) << second.err;
  EXPECT_TRUE(Contains(second.err, "pgshift pid " + std::to_string(first))) << second.err;
  const ProcessResult finished = Finish();
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "8000");
}

TEST_F(Fault, AChangedPlanIsRefusedUnlessForced) {
  FillTable(10);
  std::string text = R"toml(
id = "changing"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"
[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = "t", set = "c = 1" }
rollback = []
)toml";
  const std::string plan = WritePlan(text);
  ASSERT_EQ(Pgshift({"run", plan, "--db", url_, "--through", "expand"}).exit_code, 0);
  text.replace(text.find("c = 1"), 5, "c = 2");
  WritePlan(text);
  const ProcessResult refused = Pgshift({"run", plan, "--db", url_});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_TRUE(Contains(refused.err, "changed since its stages ran here")) << refused.err;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE c IS NOT NULL"), "0");
  EXPECT_EQ(Pgshift({"run", plan, "--db", url_, "--force"}).exit_code, 0);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE c = 2"), "10");
}

TEST_F(Fault, AFailingGateStopsTheRun) {
  FillTable(10);
  const std::string plan = WritePlan(R"toml(
id = "gated"
[[stage]]
id = "guarded"
phase = "switch"
gate = "SELECT count(*) = 0 FROM t"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"
)toml");
  const ProcessResult run = Pgshift({"run", plan, "--db", url_});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(Contains(run.err, "stage `guarded` failed: its gate returned `f`")) << run.err;
  const ProcessResult status = Pgshift({"status", plan, "--db", url_});
  EXPECT_TRUE(Contains(status.out, "failed: its gate returned")) << status.out;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'c'"),
            "0");
}

TEST_F(Fault, AFailingRollbackStatementIsReported) {
  FillTable(10);
  const std::string plan = WritePlan(R"toml(
id = "bad-undo"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = ["ALTER TABLE t DROP COLUMN c", "DROP INDEX missing_index"]
)toml");
  ASSERT_EQ(Pgshift({"run", plan, "--db", url_}).exit_code, 0);
  const ProcessResult rollback = Pgshift({"rollback", plan, "--db", url_});
  EXPECT_EQ(rollback.exit_code, 3);
  EXPECT_TRUE(Contains(rollback.err, "rollback of stage `add` failed")) << rollback.err;
  EXPECT_TRUE(Contains(rollback.err, "missing_index")) << rollback.err;
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "done");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'c'"),
            "1");
}

TEST_F(Fault, AnInvalidPlanTouchesNothing) {
  FillTable(10);
  const std::string plan = WritePlan(
      "id = \"bad\"\n[[stage]]\nid = \"x\"\nphase = \"expand\"\nsql = \"ALTER TABLE t DROP COLUMN "
      "n\"\nrollback = []\n");
  const ProcessResult run = Pgshift({"run", plan, "--db", url_});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Contains(run.err, "plan.toml:5: stage `x` sql: error[drop-column]")) << run.err;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgshift'"), "0");
}

TEST_F(Fault, PasswordsNeverReachTheOutputOrTheJournal) {
  FillTable(10);
  const std::string plan = WritePlan(kBackfillPlan);
  std::string with_password = url_;
  with_password.replace(with_password.find("postgres@"), 9,
                        "postgres:hunter2@");  // trust ignores it
  const ProcessResult run = Pgshift({"run", plan, "--db", with_password, "--progress", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const ProcessResult history = Pgshift({"history", "--json", "--batches"});
  for (const std::string& text : {run.out, run.err, history.out}) {
    EXPECT_FALSE(Contains(text, "hunter2")) << text;
  }
  EXPECT_TRUE(Contains(run.out, "postgres:***@")) << run.out;
  const auto runs = nlohmann::json::parse(history.out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["outcome"], "ok");
  EXPECT_GE(runs[0]["events"].size(), 4u);
}

}  // namespace
}  // namespace pgshift::testing
