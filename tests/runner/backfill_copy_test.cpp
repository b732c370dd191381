// The copy backfill (`insert_into` and `select`) against a real server: every matching row of the
// source copied once in keyset batches, rows already in the target kept, the source left
// unwritten, a failed run resumed from its last batch, and a rollback that drops the copy.
#include <gtest/gtest.h>

#include "runner/executor.h"
#include "runner/rollback.h"
#include "tests/runner/runner_test_support.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

// The target created in expand (dropped by its rollback), then the copy.
const std::string kPlan = R"toml(id = "copy"
[[stage]]
id = "create-target"
phase = "expand"
sql = "CREATE TABLE target (source_id bigint PRIMARY KEY, v text)"
rollback = "DROP TABLE target"
[[stage]]
id = "copy"
phase = "backfill"
backfill = { table = "source", insert_into = "target (source_id, v)", select = "id, upper(v)", where = "v IS NOT NULL" }
rollback = []
)toml";

class BackfillCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    // 6000 rows with odd ids; every tenth has no value and is not copied.
    Sql(*db_,
        "CREATE TABLE source (id bigint PRIMARY KEY, v text);"
        "INSERT INTO source SELECT i * 2 + 1, CASE WHEN i % 10 = 0 THEN NULL ELSE 'v' || i END "
        "FROM generate_series(1, 6000) i");
  }
  runner::RunSettings Batches(long size) const {
    runner::RunSettings settings = QuickSettings();
    settings.batch_size = size;
    settings.batch_time = runner::Millis(0);
    settings.min_batch_size = settings.max_batch_size = size;
    return settings;
  }
  // `accept_drift`: the test changed the catalog between runs, on purpose.
  runner::Outcome Run(const CheckedPlan& p, const runner::RunSettings& settings,
                      std::size_t through = 2, bool accept_drift = false) {
    return runner::RunPlan(*db_, p.plan, p.review, settings, {through, false, accept_drift},
                           events_);
  }
  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Recorder events_;
};

TEST_F(BackfillCopy, CopiesEveryMatchingRowOnceKeepsRowsAlreadyThereAndLeavesTheSourceUnwritten) {
  const CheckedPlan p = PlanFrom(kPlan);
  ASSERT_TRUE(Run(p, Batches(700), 1).ok);
  // Written before the copy (by the application, or a trigger): kept as it is.
  Sql(*db_, "INSERT INTO target VALUES (3, 'from the application'), (5, NULL)");
  const std::string tuples =
      Scalar(*db_, "SELECT string_agg(ctid::text, ',' ORDER BY id) FROM source");
  auto app = ConnectTo(url_);
  ASSERT_TRUE(app);
  bool inserted = false;
  events_.on_event = [&](const runner::RunEvent& e) {
    if (e.kind == "batch" && !inserted) {
      // Rows after the largest key at start are the application's to copy (its trigger).
      Sql(*app, "INSERT INTO source SELECT i, 'late' FROM generate_series(20001, 20100) i");
      inserted = true;
    }
  };
  const runner::Outcome outcome = Run(p, Batches(700));
  ASSERT_TRUE(outcome.ok) << outcome.message;
  // 5400 source rows have a value: 5398 copied, 2 kept as the application wrote them.
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM target"), "5400");
  EXPECT_EQ(Scalar(*db_, "SELECT v FROM target WHERE source_id = 3"), "from the application");
  EXPECT_EQ(Scalar(*db_, "SELECT coalesce(v, 'null') FROM target WHERE source_id = 5"), "null");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM source s JOIN target t ON t.source_id = s.id "
                   "WHERE t.v = upper(s.v)"),
            "5398");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM target WHERE source_id > 20000"), "0");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT rows_done || '/' || rows_scanned FROM pgshift.stages WHERE "
                   "stage_id = 'copy'"),
            "5398/6000");
  EXPECT_EQ(
      Scalar(*db_, "SELECT string_agg(ctid::text, ',' ORDER BY id) FROM source WHERE id < 20000"),
      tuples)
      << "the copy wrote rows of the source";
  long long inserted_rows = -1;
  int batches = 0;
  for (const auto& e : events_.events) {
    if (e.kind != "batch") continue;
    ++batches;
    ASSERT_TRUE(e.detail.contains("rows_inserted")) << e.detail.dump();
    EXPECT_FALSE(e.detail.contains("rows_deleted"));
    inserted_rows = e.detail["rows_inserted"];
  }
  EXPECT_EQ(inserted_rows, 5398);
  EXPECT_GE(batches, 9);  // 6000 rows in batches of 700
}

// A batch that fails (here: a row the target refuses) leaves the batches before it committed;
// the next run resumes after them and copies each row once.
TEST_F(BackfillCopy, AFailedCopyResumesFromItsLastBatch) {
  const CheckedPlan p = PlanFrom(kPlan);
  ASSERT_TRUE(Run(p, Batches(500), 1).ok);
  Sql(*db_, "ALTER TABLE target ADD CONSTRAINT not_yet CHECK (source_id <> 7003)");
  const runner::Outcome failed = Run(p, Batches(500), 2, true);
  ASSERT_FALSE(failed.ok);
  EXPECT_NE(failed.message.find("not_yet"), std::string::npos) << failed.message;
  const std::string committed = Scalar(*db_, "SELECT count(*) FROM target");
  EXPECT_EQ(Scalar(*db_, "SELECT rows_scanned FROM pgshift.stages WHERE stage_id = 'copy'"),
            "3500");  // the seven batches before the one with id 7003 (the 3501st row)
  EXPECT_EQ(committed, "3150");
  Sql(*db_, "ALTER TABLE target DROP CONSTRAINT not_yet");
  events_.events.clear();
  const runner::Outcome resumed = Run(p, Batches(500), 2, true);
  ASSERT_TRUE(resumed.ok) << resumed.message;
  EXPECT_TRUE(events_.Has("backfill-started", "resuming source")) << "not resumed";
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM target"), "5400");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT rows_done || '/' || rows_scanned FROM pgshift.stages WHERE "
                   "stage_id = 'copy'"),
            "5400/6000");
}

TEST_F(BackfillCopy, RollbackDropsTheCopyWithItsTable) {
  const CheckedPlan p = PlanFrom(kPlan);
  ASSERT_TRUE(Run(p, QuickSettings()).ok);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM target"), "5400");
  const runner::Outcome back =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {}, events_);
  ASSERT_TRUE(back.ok) << back.message;
  EXPECT_EQ(Scalar(*db_, "SELECT to_regclass('target') IS NULL"), "t");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM source"), "6000");
}

// The plan's pieces must make one INSERT ... SELECT; a target column that does not exist is
// found before anything runs.
TEST_F(BackfillCopy, PiecesThatDoNotMakeOneInsertAreRefused) {
  auto parsed = runner::ParsePlan(
      "id = \"x\"\n[[stage]]\nid = \"c\"\nphase = \"backfill\"\nbackfill = { table = \"source\", "
      "insert_into = \"target (a)\", select = \"id; DROP TABLE source\" }\nrollback = []\n",
      "x.toml");
  ASSERT_TRUE(std::holds_alternative<runner::Plan>(parsed));
  const runner::PlanReview review = runner::ReviewPlan(std::get<runner::Plan>(parsed), {});
  std::string errors;
  for (const std::string& error : review.errors) errors += error + "\n";
  EXPECT_NE(errors.find("`insert_into` must be one table"), std::string::npos) << errors;

  const CheckedPlan wrong = PlanFrom(
      "id = \"y\"\n[[stage]]\nid = \"c\"\nphase = \"backfill\"\nbackfill = { table = \"source\", "
      "insert_into = \"source (nope)\", select = \"id\" }\nrollback = []\n");
  const runner::Outcome outcome = Run(wrong, QuickSettings(), 1);
  ASSERT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("column `nope` of table `source` does not exist"),
            std::string::npos)
      << outcome.message;
}

}  // namespace
}  // namespace pgshift::testing
