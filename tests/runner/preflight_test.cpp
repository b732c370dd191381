// Preflight against a real server with the real pgshift binary: a stage that names a table or
// column that neither exists nor is created by an earlier stage, or a backfill over a table
// without a key, stops the run before its first statement, with exit code 2 and a message naming
// the stage, the statement and the object.
#include <gtest/gtest.h>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Preflight : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_, "CREATE TABLE t (id bigint PRIMARY KEY, n int); CREATE TABLE loose (a int, b int)");
  }
  ProcessResult Run(const std::string& plan_text) {
    return workspace_.Pgshift(
        {"run", workspace_.Write("plan.toml", plan_text), "--db", url_, "--through", "contract"});
  }
  // Whether the first stage's statement ran: it adds column `marker` to t.
  std::string MarkerColumns() {
    return Scalar(*db_,
                  "SELECT count(*) FROM information_schema.columns WHERE column_name = 'marker'");
  }

  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Workspace workspace_{"preflight"};
};

TEST_F(Preflight, AMissingColumnStopsTheRunBeforeAnythingRuns) {
  const ProcessResult run = Run(R"toml(
id = "p"
[[stage]]
id = "mark"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN marker int"
rollback = "ALTER TABLE t DROP COLUMN marker"
[[stage]]
id = "require"
phase = "switch"
sql = "ALTER TABLE t ALTER COLUMN nope SET DEFAULT 0"
rollback = "ALTER TABLE t ALTER COLUMN nope DROP DEFAULT"
)toml");
  EXPECT_EQ(run.exit_code, 2) << run.err << run.out;
  EXPECT_TRUE(Contains(run.err, "preflight failed; nothing was run")) << run.err;
  EXPECT_TRUE(Contains(run.err, "stage `require` statement 1 (")) << run.err;
  EXPECT_TRUE(Contains(run.err, "plan.toml:11, `ALTER TABLE t ALTER COLUMN nope SET DEFAULT 0`"))
      << run.err;
  EXPECT_TRUE(Contains(run.err, "column `nope` of table `t` does not exist")) << run.err;
  EXPECT_EQ(MarkerColumns(), "0");
}

TEST_F(Preflight, AMissingTableAndAKeylessBackfillAreBothNamed) {
  const ProcessResult run = Run(R"toml(
id = "p"
[[stage]]
id = "mark"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN marker int"
rollback = "ALTER TABLE t DROP COLUMN marker"
[[stage]]
id = "fill-loose"
phase = "backfill"
backfill = { table = "loose", set = "b = a" }
rollback = []
[[stage]]
id = "ghost"
phase = "switch"
sql = "UPDATE ghosts SET x = 1"
rollback = []
)toml");
  EXPECT_EQ(run.exit_code, 2) << run.err << run.out;
  EXPECT_TRUE(Contains(run.err, "stage `fill-loose` backfill (")) << run.err;
  EXPECT_TRUE(Contains(run.err, "table `loose`): ")) << run.err;
  EXPECT_TRUE(Contains(run.err, "primary key")) << run.err;
  EXPECT_TRUE(Contains(run.err, "table `ghosts` does not exist")) << run.err;
  EXPECT_EQ(MarkerColumns(), "0");
}

TEST_F(Preflight, WhatAnEarlierStageCreatesCountsAndTheRunGoesOn) {
  const ProcessResult run = Run(R"toml(
id = "p"
[[stage]]
id = "mark"
phase = "expand"
sql = ["ALTER TABLE t ADD COLUMN marker int", "CREATE TABLE fresh (id int PRIMARY KEY, v int)"]
rollback = ["DROP TABLE fresh", "ALTER TABLE t DROP COLUMN marker"]
[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = "t", set = "marker = n" }
rollback = []
[[stage]]
id = "fill-fresh"
phase = "backfill"
backfill = { table = "fresh", set = "v = id" }
rollback = []
[[stage]]
id = "index"
phase = "switch"
sql = "CREATE INDEX CONCURRENTLY t_marker ON t (marker)"
rollback = "DROP INDEX CONCURRENTLY t_marker"
)toml");
  EXPECT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(MarkerColumns(), "1");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_marker'"), "1");
}

TEST_F(Preflight, ADoneStageIsInTheCatalogAlready) {
  const std::string plan = R"toml(
id = "p"
[[stage]]
id = "mark"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN marker int"
rollback = "ALTER TABLE t DROP COLUMN marker"
[[stage]]
id = "use"
phase = "switch"
sql = "ALTER TABLE t ALTER COLUMN marker SET DEFAULT 1"
rollback = "ALTER TABLE t ALTER COLUMN marker DROP DEFAULT"
)toml";
  const std::string path = workspace_.Write("plan.toml", plan);
  ASSERT_EQ(workspace_.Pgshift({"run", path, "--db", url_, "--through", "expand"}).exit_code, 0);
  const ProcessResult rest = workspace_.Pgshift({"run", path, "--db", url_});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
}

}  // namespace
}  // namespace pgshift::testing
