// The backfill engine against a real server: exact results, keys, bounds, pause, adaptation.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runner/executor.h"
#include "tests/runner/runner_test_support.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

std::string BackfillPlan(const std::string& backfill) {
  return "id = \"fill\"\n[[stage]]\nid = \"fill\"\nphase = \"backfill\"\nbackfill = " + backfill +
         "\nrollback = []\n";
}

class Backfill : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
  }
  runner::Outcome Run(const std::string& backfill, runner::RunSettings settings = QuickSettings()) {
    const CheckedPlan p = PlanFrom(BackfillPlan(backfill));
    return runner::RunPlan(*db_, p.plan, p.review, settings, {1, false}, events_);
  }
  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Recorder events_;
};

// `n = n + 1` has no WHERE: a skipped row keeps 0, a row updated twice gets 2.
TEST_F(Backfill, EveryRowExactlyOnceInAdaptiveBatches) {
  Sql(*db_,
      "CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);"
      "INSERT INTO t (id) SELECT i * 3 FROM generate_series(1, 20000) i");
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 500;
  settings.batch_time = runner::Millis(1000);  // far above what a batch takes: sizes grow
  const runner::Outcome outcome = Run("{ table = \"t\", set = \"n = n + 1\" }", settings);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "20000");
  EXPECT_EQ(
      Scalar(*db_,
             "SELECT rows_done || '/' || rows_scanned || '/' || rows_total FROM pgshift.stages"),
      "20000/20000/20000");
  EXPECT_EQ(
      Scalar(*db_, "SELECT cursor = max_key AND max_key = ARRAY['60000'] FROM pgshift.stages"),
      "t");
  std::vector<long long> sizes;
  for (const auto& e : events_.events) {
    if (e.kind != "batch") continue;
    sizes.push_back(e.detail["batch_size"]);
    EXPECT_FALSE(e.detail.contains("rows_deleted"));  // an update
  }
  ASSERT_GE(sizes.size(), 3u);
  EXPECT_EQ(sizes[0], 500);
  EXPECT_GT(sizes[2], sizes[0]) << "the batch size did not adapt";
}

TEST_F(Backfill, CompositeKeysAndTheWhereCondition) {
  Sql(*db_,
      "CREATE TABLE t (tenant text, seq int, v int, w int, PRIMARY KEY (tenant, seq));"
      "INSERT INTO t SELECT 'tenant-' || (i % 7), i, i, NULL FROM generate_series(1, 5000) i;"
      "UPDATE t SET w = v * 2 WHERE seq % 5 = 0");
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 300;
  // Batches pinned to 300 rows, many keyset steps: with no time target a batch that took under
  // a millisecond would otherwise double, and the count would follow the machine's speed.
  settings.batch_time = runner::Millis(0);
  settings.min_batch_size = 300;
  settings.max_batch_size = 300;
  const runner::Outcome outcome =
      Run("{ table = \"t\", set = \"w = v * 2\", where = \"w IS NULL\" }", settings);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE w = v * 2"), "5000");
  EXPECT_EQ(Scalar(*db_, "SELECT rows_done FROM pgshift.stages"),
            "4000");  // the rest matched already
  EXPECT_GE(events_.Count("batch"), 16);
}

TEST_F(Backfill, RowsInsertedAfterTheStartAreLeftToTheApplication) {
  Sql(*db_,
      "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 3000) i");
  auto app = ConnectTo(url_);
  ASSERT_TRUE(app);
  bool inserted = false;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind == "batch" && !inserted) {
      Sql(*app, "INSERT INTO t (id) SELECT i FROM generate_series(3001, 3500) i");
      inserted = true;
    }
  };
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 1000;
  settings.batch_time = runner::Millis(0);
  settings.min_batch_size = 1000;
  settings.max_batch_size = 1000;
  ASSERT_TRUE(Run("{ table = \"t\", set = \"n = n + 1\" }", settings).ok);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "3000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 0 AND id > 3000"), "500");
}

// `delete = true`: the matching rows go, batch by batch, none of the others; rows inserted
// after the start are left, as an update leaves them.
TEST_F(Backfill, BatchedDeleteRemovesExactlyTheMatchingRows) {
  Sql(*db_,
      "CREATE TABLE t (id int PRIMARY KEY, kind text NOT NULL);"
      "INSERT INTO t SELECT i, CASE WHEN i % 3 = 0 THEN 'old' ELSE 'new' END "
      "FROM generate_series(1, 6000) i");
  auto app = ConnectTo(url_);
  ASSERT_TRUE(app);
  bool inserted = false;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind == "batch" && !inserted) {
      Sql(*app, "INSERT INTO t SELECT i, 'old' FROM generate_series(6001, 6100) i");
      inserted = true;
    }
  };
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 700;
  settings.batch_time = runner::Millis(0);
  settings.min_batch_size = settings.max_batch_size = 700;
  const runner::Outcome outcome =
      Run("{ table = \"t\", delete = true, where = \"kind = 'old'\" }", settings);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE id <= 6000 AND kind = 'old'"), "0");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE kind = 'new'"), "4000");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE id > 6000"), "100");
  EXPECT_EQ(Scalar(*db_, "SELECT rows_done || '/' || rows_scanned FROM pgshift.stages"),
            "2000/6000");
  EXPECT_GE(events_.Count("batch"), 8);
  // A delete's batch events count the rows deleted under that name (rows_updated is kept).
  long long deleted = -1;
  for (const auto& e : events_.events) {
    if (e.kind != "batch") continue;
    ASSERT_TRUE(e.detail.contains("rows_deleted")) << e.detail.dump();
    EXPECT_EQ(e.detail["rows_deleted"], e.detail["rows_updated"]);
    deleted = e.detail["rows_deleted"];
  }
  EXPECT_EQ(deleted, 2000);
}

TEST_F(Backfill, BatchedDeleteOfEveryRow) {
  Sql(*db_,
      "CREATE TABLE t (id bigint PRIMARY KEY, v text);"
      "INSERT INTO t SELECT i, 'x' FROM generate_series(1, 2500) i");
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 1000;
  const runner::Outcome outcome = Run("{ table = \"t\", delete = true }", settings);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t"), "0");
  EXPECT_EQ(Scalar(*db_, "SELECT rows_done || ' ' || status FROM pgshift.stages"), "2500 done");
}

TEST_F(Backfill, AKeylessTableIsRefusedClearly) {
  Sql(*db_,
      "CREATE TABLE logs (at timestamptz, line text, seq int, code int UNIQUE);"
      "INSERT INTO logs VALUES (now(), 'x', 1, 1)");
  runner::Outcome outcome = Run("{ table = \"logs\", set = \"line = upper(line)\" }");
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("table logs has no primary key"), std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("`key = [\"...\"]`"), std::string::npos);
  outcome = Run("{ table = \"logs\", set = \"line = upper(line)\", key = [\"seq\"] }");
  EXPECT_NE(outcome.message.find("logs.seq allows NULL"), std::string::npos) << outcome.message;
  Sql(*db_, "ALTER TABLE logs ALTER COLUMN seq SET NOT NULL, ALTER COLUMN code SET NOT NULL");
  outcome = Run("{ table = \"logs\", set = \"line = upper(line)\", key = [\"seq\"] }");
  EXPECT_NE(outcome.message.find("not covered by a valid unique index"), std::string::npos)
      << outcome.message;
  outcome = Run("{ table = \"logs\", set = \"line = upper(line)\", key = [\"code\"] }");
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT line FROM logs"), "X");
  Sql(*db_, "DROP SCHEMA pgshift CASCADE");  // a new ledger: the plan id is reused below
  outcome = Run("{ table = \"nope\", set = \"a = 1\" }");
  EXPECT_NE(outcome.message.find("table `nope` does not exist"), std::string::npos)
      << outcome.message;
}

TEST_F(Backfill, QuotedNamesAndSchemas) {
  Sql(*db_,
      "CREATE SCHEMA app; CREATE TABLE app.\"Order\" (\"Id\" int PRIMARY KEY, total int, "
      "\"Total2\" int);"
      "INSERT INTO app.\"Order\" SELECT i, i, NULL FROM generate_series(1, 100) i");
  const runner::Outcome outcome = Run("{ table = \"app.Order\", set = '\"Total2\" = total * 2' }");
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM app.\"Order\" WHERE \"Total2\" = total * 2"), "100");
}

TEST_F(Backfill, AnEmptyTableIsDoneAtOnce) {
  Sql(*db_, "CREATE TABLE t (id int PRIMARY KEY, n int)");
  ASSERT_TRUE(Run("{ table = \"t\", set = \"n = 1\" }").ok);
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages"), "done");
}

TEST_F(Backfill, APauseFileHoldsTheNextBatch) {
  Sql(*db_,
      "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 2000) i");
  const std::string pause =
      std::filesystem::temp_directory_path() / ("pgshift-pause-" + std::to_string(getpid()));
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 500;
  settings.min_batch_size = settings.max_batch_size = 500;
  settings.pause_file = pause;
  settings.throttle = runner::Millis(5);
  std::thread resume;
  long long scanned_while_paused = -1;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind == "batch" && !resume.joinable()) {
      std::ofstream(pause) << "pause";
      resume = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        auto observer = ConnectTo(url_);
        scanned_while_paused =
            std::stoll(Scalar(*observer, "SELECT rows_scanned FROM pgshift.stages"));
        std::filesystem::remove(pause);
      });
    }
  };
  ASSERT_TRUE(Run("{ table = \"t\", set = \"n = n + 1\" }", settings).ok);
  resume.join();
  EXPECT_TRUE(events_.Has("note", "paused"));
  EXPECT_EQ(scanned_while_paused, 500) << "a batch ran while the pause file existed";
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "2000");
}

// A batch holds the locks of the rows it changed until it commits. An application session that
// runs into one waits; the batch counts it before committing, and the next batches aim at a fifth
// of the batch time. Rows are slowed by a sleeping function so batch 2 is still running when the
// session reaches its row 1,500.
TEST_F(Backfill, ABatchTheApplicationWaitedOnMakesTheNextOnesShort) {
  Sql(*db_,
      "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, m int NOT NULL DEFAULT 0);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 4000) i;"
      "CREATE FUNCTION slow(int) RETURNS int LANGUAGE sql AS 'SELECT $1 FROM pg_sleep(0.0002)'");
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 1000;
  settings.min_batch_size = 10;
  settings.max_batch_size = 2000;
  settings.batch_time = runner::Millis(1000);
  std::atomic<int> batches{0};
  std::atomic<long long> application_updates{0};
  std::thread application;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind != "batch" || ++batches != 1) return;
    application = std::thread([&] {
      auto session = ConnectTo(url_);
      while (batches < 2) {  // until batch 2 has committed
        Sql(*session, "UPDATE t SET m = m + 1 WHERE id = 1500");
        ++application_updates;
      }
    });
  };
  const runner::Outcome outcome = Run("{ table = \"t\", set = \"n = slow(n + 1)\" }", settings);
  if (application.joinable()) application.join();
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM t WHERE n = 1"), "4000");
  EXPECT_GT(application_updates.load(), 0);
  std::vector<nlohmann::json> details;
  for (const auto& e : events_.events) {
    if (e.kind == "batch") details.push_back(e.detail);
  }
  ASSERT_GE(details.size(), 3u);
  EXPECT_EQ(details[0]["waiting_sessions"], 0);
  EXPECT_EQ(details[0]["contended"], false);
  EXPECT_EQ(details[0]["next_batch_ms"], 1000);
  EXPECT_GE(details[1]["waiting_sessions"], 1) << "the session waiting on row 1,500 was not seen";
  EXPECT_EQ(details[1]["contended"], true);
  EXPECT_EQ(details[1]["next_batch_ms"], 200);
  EXPECT_LT(details[2]["batch_size"], details[1]["batch_size"]) << "not cut down after the wait";
}

TEST_F(Backfill, BatchesNobodyWaitsOnKeepTheFullBatchTime) {
  Sql(*db_,
      "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 3000) i");
  runner::RunSettings settings = QuickSettings();
  settings.batch_size = 500;
  settings.min_batch_size = settings.max_batch_size = 500;
  ASSERT_TRUE(Run("{ table = \"t\", set = \"n = n + 1\" }", settings).ok);
  int batches = 0;
  for (const auto& e : events_.events) {
    if (e.kind != "batch") continue;
    ++batches;
    EXPECT_EQ(e.detail["waiting_sessions"], 0);
    EXPECT_EQ(e.detail["contended"], false);
    EXPECT_EQ(e.detail["next_batch_ms"], settings.batch_time.count());
  }
  EXPECT_GE(batches, 6);  // 3,000 rows in batches of 500 (and one that finds none left)
}

}  // namespace
}  // namespace pgshift::testing
