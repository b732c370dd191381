// Throttling between backfill batches against real servers: a throttle query, active sessions
// (--max-load, --critical-load), and replay lag on a real streaming standby whose replay the test
// pauses and resumes. Each waits at a batch boundary: the ledger does not move while it waits.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "runner/executor.h"
#include "runner/journal.h"
#include "tests/runner/runner_test_support.h"
#include "tests/support/postgres_server.h"
#include "tests/support/streaming_standby.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

constexpr long kBatch = 500;

const char* const kPlan =
    "id = \"fill\"\n[[stage]]\nid = \"fill\"\nphase = \"backfill\"\n"
    "backfill = { table = \"t\", set = \"n = n + 1\" }\nrollback = []\n";

// Fixed batches, so that rows in the ledger count batches.
runner::RunSettings FixedBatches() {
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = settings.min_batch_size = settings.max_batch_size = kBatch;
  return settings;
}

// Sessions that stay active (in pg_sleep) for `seconds`, each on its own connection.
class BusySessions {
 public:
  BusySessions(const std::string& url, int count, double seconds) {
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([url, seconds] {
        auto connected = runner::Connect(url, "pgshift-test-busy");
        if (runner::ErrorOf(connected)) return;
        std::get<std::unique_ptr<runner::Database>>(connected)->Exec(
            "SELECT pg_sleep(" + std::to_string(seconds) + ")");
      });
    }
  }
  ~BusySessions() { Join(); }
  void Join() {
    for (auto& thread : threads_)
      if (thread.joinable()) thread.join();
  }

 private:
  std::vector<std::thread> threads_;
};

// Waits until `count` sessions sleep in pg_sleep on the server.
void WaitForSleepers(runner::Database& db, int count) {
  for (int i = 0; i < 200; ++i) {
    if (std::stoi(Scalar(db,
                         "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                         "AND application_name = 'pgshift-test-busy'")) >= count) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "the busy sessions did not start";
}

class Throttle : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    admin_ = ConnectTo(url_);
    ASSERT_TRUE(db_ && admin_);
    Sql(*db_,
        "CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);"
        "INSERT INTO t (id) SELECT i FROM generate_series(1, 5000) i");
  }
  runner::Outcome Run(const runner::RunSettings& settings) {
    const CheckedPlan p = PlanFrom(kPlan);
    return runner::RunPlan(*db_, p.plan, p.review, settings, {1, false}, events_);
  }
  long long Scanned() { return std::stoll(Scalar(*admin_, "SELECT rows_scanned FROM pgshift.stages")); }
  const runner::RunEvent* First(const std::string& kind) const {
    for (const auto& e : events_.events)
      if (e.kind == kind) return &e;
    return nullptr;
  }

  std::string url_;
  std::unique_ptr<runner::Database> db_, admin_;
  Recorder events_;
};

TEST_F(Throttle, QueryAboveZeroHoldsTheBackfillAndTheJournalSaysWhy) {
  Sql(*db_, "CREATE TABLE gate (v int); INSERT INTO gate VALUES (0)");
  const std::string journal_path =
      (std::filesystem::temp_directory_path() / ("pgshift-throttle-" + std::to_string(getpid()) + ".db"))
          .string();
  std::filesystem::remove(journal_path);
  auto opened = runner::Journal::Open(journal_path);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<runner::Journal>>(opened));
  auto journal = std::move(std::get<std::unique_ptr<runner::Journal>>(opened));
  journal->StartRun("run", "fill", "test", "test");
  runner::RunSettings settings = FixedBatches();
  settings.throttle_query = "SELECT v FROM gate";
  long long at_throttle = -1, while_throttled = -1;
  std::thread release;
  events_.on_event = [&](const runner::RunEvent& e) {
    journal->Emit(e);
    if (e.kind == "batch" && events_.Count("batch") == 2) Sql(*admin_, "UPDATE gate SET v = 3");
    if (e.kind == "throttled") {
      at_throttle = Scanned();
      release = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        auto other = ConnectTo(url_);
        while_throttled = std::stoll(Scalar(*other, "SELECT rows_scanned FROM pgshift.stages"));
        Sql(*other, "UPDATE gate SET v = 0");
      });
    }
  };
  const runner::Outcome outcome = Run(settings);
  if (release.joinable()) release.join();
  ASSERT_TRUE(outcome.ok) << outcome.message;
  ASSERT_TRUE(events_.Has("throttled", "throttled: throttle query returned 3"));
  EXPECT_EQ(at_throttle, 2 * kBatch);
  EXPECT_EQ(while_throttled, 2 * kBatch) << "the backfill went on while throttled";
  const runner::RunEvent* lifted = First("throttle-lifted");
  ASSERT_NE(lifted, nullptr);
  EXPECT_GE(lifted->duration_ms, 500);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "5000");
  // The last batch reports the time throttled, for progress.
  const runner::RunEvent* last = nullptr;
  for (const auto& e : events_.events)
    if (e.kind == "batch") last = &e;
  ASSERT_NE(last, nullptr);
  EXPECT_GE(last->detail.value("throttled_ms", 0ll), 500);
  journal->FinishRun(true, "done");
  const auto runs = journal->Runs(1, "fill");
  ASSERT_EQ(runs.size(), 1u);
  int throttled = 0;
  for (const auto& event : runs[0].events) {
    if (event.value("kind", "") == "throttled" &&
        event.value("message", "").find("throttle query returned 3") != std::string::npos) {
      ++throttled;
    }
  }
  EXPECT_EQ(throttled, 1);
  std::filesystem::remove(journal_path);
}

TEST_F(Throttle, QueryThatFailsStopsTheRunNamingIt) {
  runner::RunSettings settings = FixedBatches();
  settings.throttle_query = "SELECT v FROM no_such_table";
  const runner::Outcome outcome = Run(settings);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("the throttle query failed"), std::string::npos)
      << outcome.message;
}

TEST_F(Throttle, MaxLoadWaitsWhileMoreSessionsAreActive) {
  runner::RunSettings settings = FixedBatches();
  settings.max_load = 2;
  std::unique_ptr<BusySessions> busy;
  long long at_throttle = -1, at_lift = -1;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind == "batch" && events_.Count("batch") == 2) {
      busy = std::make_unique<BusySessions>(url_, 3, 1.0);
      WaitForSleepers(*admin_, 3);
    }
    if (e.kind == "throttled") at_throttle = Scanned();
    if (e.kind == "throttle-lifted") at_lift = Scanned();
  };
  const runner::Outcome outcome = Run(settings);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_TRUE(events_.Has("throttled", "3 active sessions > 2 (--max-load)"));
  EXPECT_EQ(at_throttle, 2 * kBatch);
  EXPECT_EQ(at_lift, 2 * kBatch) << "the backfill went on while throttled";
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "5000");
}

TEST_F(Throttle, CriticalLoadStopsAtABatchBoundaryAndTheRunResumes) {
  runner::RunSettings settings = FixedBatches();
  settings.critical_load = 2;
  std::unique_ptr<BusySessions> busy;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind == "batch" && events_.Count("batch") == 3) {
      busy = std::make_unique<BusySessions>(url_, 3, 0.5);
      WaitForSleepers(*admin_, 3);
    }
  };
  const runner::Outcome stopped = Run(settings);
  ASSERT_FALSE(stopped.ok);
  EXPECT_NE(stopped.message.find("critical load: 3 active sessions > 2"), std::string::npos)
      << stopped.message;
  EXPECT_EQ(Scalar(*db_, "SELECT status || ' ' || rows_scanned || ' ' || cursor[1] "
                         "FROM pgshift.stages"),
            "failed 1500 1500");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "1500");
  busy->Join();
  events_.events.clear();
  events_.on_event = nullptr;
  const runner::Outcome resumed = Run(FixedBatches());
  ASSERT_TRUE(resumed.ok) << resumed.message;
  EXPECT_TRUE(events_.Has("backfill-started", "resuming"));
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "5000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n <> 1"), "0");
}

// One standby for the suite: starting it costs seconds.
class ReplicaLag : public Throttle {
 protected:
  static void SetUpTestSuite() {
    const auto start = std::chrono::steady_clock::now();
    standby_ = new StreamingStandby;
    start_error_ = standby_->Start(SharedServer()).value_or("");
    std::cerr << "[ standby  ] started in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count()
              << " ms\n";
  }
  static void TearDownTestSuite() {
    delete standby_;
    standby_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(start_error_, "");
    Throttle::SetUp();
    standby_db_ = ConnectTo(standby_->url());
    ASSERT_TRUE(standby_db_);
    WaitForReplay();
  }
  void TearDown() override {
    if (standby_db_) standby_db_->Exec("SELECT pg_wal_replay_resume()");
  }
  // Waits until the standby has replayed everything the primary has committed so far. The
  // sandbox commits asynchronously (synchronous_commit=off), so the last commits' WAL may not be
  // written yet, and pg_current_wal_lsn() may stop short of them: a transaction committed
  // synchronously writes and flushes all WAL before its own first.
  void WaitForReplay() {
    Sql(*admin_, "BEGIN; SET LOCAL synchronous_commit = on; SELECT txid_current(); COMMIT");
    const std::string lsn = Scalar(*admin_, "SELECT pg_current_wal_lsn()");
    for (int i = 0; i < 500; ++i) {
      if (Scalar(*standby_db_, "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'") == "t") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "the standby did not replay up to " << lsn;
  }
  void PauseReplay() {
    Sql(*standby_db_, "SELECT pg_wal_replay_pause()");
    for (int i = 0; i < 500; ++i) {
      if (Scalar(*standby_db_, "SELECT pg_get_wal_replay_pause_state()") == "paused") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "replay did not pause";
  }
  // Runs the backfill with replay paused; once throttled, checks after `hold` that the ledger
  // has not moved, then resumes replay. Returns the batches committed before the throttle.
  int RunPausedThenResumed(const runner::RunSettings& settings, std::chrono::milliseconds hold) {
    PauseReplay();
    // WAL the standby receives but does not replay, and time for it to report that (every
    // second): the last transaction it replayed is older than the limit from here on, and the
    // primary's pg_stat_replication says so too.
    Sql(*admin_, "CREATE TABLE unreplayed (x int)");
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    int batches_before = -1;
    long long at_throttle = -1, while_throttled = -1;
    std::thread resume;
    const std::string standby_url = standby_->url();
    events_.on_event = [&](const runner::RunEvent& e) {
      if (e.kind != "throttled" || batches_before >= 0) return;
      batches_before = events_.Count("batch");
      at_throttle = Scanned();
      resume = std::thread([&, standby_url] {
        std::this_thread::sleep_for(hold);
        auto other = ConnectTo(url_);
        while_throttled = std::stoll(Scalar(*other, "SELECT rows_scanned FROM pgshift.stages"));
        auto standby = ConnectTo(standby_url);
        Sql(*standby, "SELECT pg_wal_replay_resume()");
      });
    };
    const runner::Outcome outcome = Run(settings);
    if (resume.joinable()) resume.join();
    EXPECT_TRUE(outcome.ok) << outcome.message;
    EXPECT_TRUE(events_.Has("throttled", "throttled: replica lag "));
    EXPECT_EQ(at_throttle, batches_before * kBatch);
    EXPECT_EQ(while_throttled, at_throttle) << "the backfill went on while replay was paused";
    EXPECT_NE(First("throttle-lifted"), nullptr);
    EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "5000");
    // And the standby gets every row once replay goes on.
    WaitForReplay();
    auto on_standby = ConnectTo(WithDatabase(standby_->url(), Scalar(*admin_, "SELECT current_database()")));
    if (on_standby) {
      EXPECT_EQ(Scalar(*on_standby, "SELECT count(*) FROM t WHERE n = 1"), "5000");
    }
    return batches_before;
  }

  static StreamingStandby* standby_;
  static std::string start_error_;
  std::unique_ptr<runner::Database> standby_db_;
};
StreamingStandby* ReplicaLag::standby_ = nullptr;
std::string ReplicaLag::start_error_;

TEST_F(ReplicaLag, NamedStandbyWithReplayPausedStopsTheBackfillWithinOneBatch) {
  runner::RunSettings settings = FixedBatches();
  settings.max_replica_lag = runner::Millis(300);
  settings.replicas = {standby_->url()};
  const int batches = RunPausedThenResumed(settings, std::chrono::milliseconds(800));
  // The run's own ledger writes are already behind on the paused standby: it may stop before the
  // first batch, and never after more than one.
  EXPECT_LE(batches, 1) << "batches committed before the throttle";
  EXPECT_GE(batches, 0) << "never throttled";
  EXPECT_TRUE(events_.Has("throttled", "on standby postgresql://postgres@127.0.0.1:"));
}

TEST_F(ReplicaLag, PrimaryViewAloneThrottlesAPausedStandby) {
  runner::RunSettings settings = FixedBatches();
  settings.batch_time = runner::Millis(0);
  settings.max_replica_lag = runner::Millis(300);
  const int batches = RunPausedThenResumed(settings, std::chrono::milliseconds(800));
  EXPECT_LE(batches, 1) << "batches committed before the throttle";
  EXPECT_GE(batches, 0) << "never throttled";
}

TEST_F(ReplicaLag, AStandbyThatKeepsUpDoesNotThrottle) {
  runner::RunSettings settings = FixedBatches();
  settings.max_replica_lag = runner::Millis(2000);
  settings.replicas = {standby_->url()};
  const runner::Outcome outcome = Run(settings);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(events_.Count("throttled"), 0);
}

TEST_F(ReplicaLag, APrimaryNamedAsStandbyIsRefused) {
  runner::RunSettings settings = FixedBatches();
  settings.max_replica_lag = runner::Millis(2000);
  settings.replicas = {url_};
  const runner::Outcome outcome = Run(settings);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("is not a standby"), std::string::npos) << outcome.message;
}

// Standbys named by the plan file, through the pgshift binary: pgshift.toml's are replaced by the
// plan's, which --replica replaces in turn.
class PlanStandbys : public ReplicaLag {
 protected:
  // A backfill stage after an expand stage, with `head` at the top of the plan.
  std::string WritePlan(const std::string& head) {
    return workspace_.Write(
        "plan.toml",
        "id = \"fill\"\n" + head +
            "\n[[stage]]\nid = \"add\"\nphase = \"expand\"\nsql = \"ALTER TABLE t ADD COLUMN c "
            "int\"\nrollback = \"ALTER TABLE t DROP COLUMN c\"\n"
            "[[stage]]\nid = \"fill\"\nphase = \"backfill\"\n"
            "backfill = { table = \"t\", set = \"n = n + 1\" }\nrollback = []\n");
  }
  static std::string Standbys(const std::vector<std::string>& urls, const std::string& lag) {
    std::string list;
    for (const std::string& url : urls) list += (list.empty() ? "\"" : ", \"") + url + "\"";
    return "replicas = [" + list + "]\nmax_replica_lag = " + lag + "\n";
  }
  ProcessResult Run(const std::string& plan, std::vector<std::string> more = {}) {
    std::vector<std::string> args{"run",          plan, "--db", url_, "--batch-size", "500",
                                  "--progress",   "none"};
    args.insert(args.end(), more.begin(), more.end());
    return workspace_.Pgshift(args);
  }
  static bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  Workspace workspace_{"plan-standbys"};
};

TEST_F(PlanStandbys, ThePlansStandbyIsReadAndOverridesTheConfig) {
  // pgshift.toml names the primary, which is refused as a standby: the plan's must win.
  workspace_.Write("pgshift.toml", "[runner]\n" + Standbys({url_}, "9"));
  const std::string plan = WritePlan(Standbys({standby_->url()}, "30"));
  const ProcessResult run = Run(plan);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "5000");

  // And the plan's standby is asked: the primary named there is refused.
  const std::string wrong = workspace_.Write(
      "other.toml", "id = \"other\"\n" + Standbys({url_}, "30") +
                        "[[stage]]\nid = \"fill\"\nphase = \"backfill\"\n"
                        "backfill = { table = \"t\", set = \"n = n + 1\" }\nrollback = []\n");
  const ProcessResult refused = Run(wrong);
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_TRUE(Contains(refused.err, "is not a standby")) << refused.err;
}

TEST_F(PlanStandbys, TheCommandLineOverridesThePlan) {
  const std::string plan = WritePlan(Standbys({url_}, "30"));
  const ProcessResult run = Run(plan, {"--replica", standby_->url()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(Contains(run.err + run.out, "is not a standby"));
}

TEST_F(PlanStandbys, ThePlansStandbyThrottlesWhileItsReplayIsPaused) {
  const std::string plan = WritePlan(Standbys({standby_->url()}, "0.3"));
  PauseReplay();
  Sql(*admin_, "CREATE TABLE unreplayed (x int)");
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const std::string standby_url = standby_->url();
  std::thread resume([standby_url] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto standby = ConnectTo(standby_url);
    Sql(*standby, "SELECT pg_wal_replay_resume()");
  });
  const ProcessResult run = Run(plan);
  resume.join();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "throttled: replica lag ")) << run.out;
  EXPECT_TRUE(Contains(run.out, "on standby postgresql://postgres@127.0.0.1:")) << run.out;
  EXPECT_TRUE(Contains(run.out, "throttle lifted after ")) << run.out;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "5000");
}

TEST_F(PlanStandbys, ChangingThemIsNoChangedPlan) {
  const std::string plan = WritePlan(Standbys({standby_->url()}, "30"));
  const ProcessResult first = Run(plan, {"--through", "expand"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string checksum = Scalar(*db_, "SELECT checksum FROM pgshift.plans");
  WritePlan(Standbys({standby_->url(), standby_->url()}, "\"45s\""));
  const ProcessResult second = Run(plan);
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_FALSE(Contains(second.out + second.err, "changed since")) << second.out << second.err;
  EXPECT_EQ(Scalar(*db_, "SELECT checksum FROM pgshift.plans"), checksum);
  // A changed stage still is one.
  workspace_.Write("plan.toml", "id = \"fill\"\n[[stage]]\nid = \"add\"\nphase = \"expand\"\n"
                                "sql = \"ALTER TABLE t ADD COLUMN d int\"\nrollback = []\n");
  const ProcessResult changed = Run(plan);
  EXPECT_EQ(changed.exit_code, 3) << changed.out << changed.err;
  EXPECT_TRUE(Contains(changed.err, "changed since its stages ran here")) << changed.err;
}

}  // namespace
}  // namespace pgshift::testing
