// Drift against a real server with the real pgshift binary: the schema changed by hand between
// two stages, or between a run and its rollback, stops the runner before it acts and shows what
// changed; --accept-drift goes on and the journal records it.
#include <gtest/gtest.h>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* kPlan = R"toml(
id = "drifting"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"
[[stage]]
id = "index"
phase = "switch"
sql = "CREATE INDEX CONCURRENTLY t_c ON t (c)"
rollback = "DROP INDEX CONCURRENTLY t_c"
)toml";

class Drift : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_, "CREATE TABLE t (id bigint PRIMARY KEY, n int)");
    plan_ = workspace_.Write("plan.toml", kPlan);
    const ProcessResult expand =
        workspace_.Pgshift({"run", plan_, "--db", url_, "--through", "expand"});
    ASSERT_EQ(expand.exit_code, 0) << expand.err;
  }
  std::string IndexCount() {
    return Scalar(*db_, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_c'");
  }

  std::string url_, plan_;
  std::unique_ptr<runner::Database> db_;
  Workspace workspace_{"drift"};
};

TEST_F(Drift, AColumnChangedByHandStopsTheNextStage) {
  Sql(*db_, "ALTER TABLE t ALTER COLUMN n SET NOT NULL");
  const ProcessResult run = workspace_.Pgshift({"run", plan_, "--db", url_});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_TRUE(Contains(run.err, "the catalog changed since the checkpoint of stage `add`"))
      << run.err;
  EXPECT_TRUE(Contains(run.err, "stage `index` did not start")) << run.err;
  EXPECT_TRUE(Contains(run.err, "- t: column n integer null")) << run.err;
  EXPECT_TRUE(Contains(run.err, "+ t: column n integer not null")) << run.err;
  EXPECT_EQ(IndexCount(), "0");
  EXPECT_EQ(Scalar(*db_, "SELECT status FROM pgshift.stages WHERE stage_id = 'index'"), "pending");

  const ProcessResult accepted =
      workspace_.Pgshift({"run", plan_, "--db", url_, "--accept-drift"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_TRUE(Contains(accepted.out, "--accept-drift")) << accepted.out;
  EXPECT_EQ(IndexCount(), "1");
  const ProcessResult history = workspace_.Pgshift({"history", "--json"});
  EXPECT_TRUE(Contains(history.out, "\"kind\": \"drift-accepted\"")) << history.out;
  EXPECT_TRUE(Contains(history.out, "+ t: column n integer not null")) << history.out;
}

TEST_F(Drift, AnIndexDroppedByHandStopsTheRollback) {
  ASSERT_EQ(workspace_.Pgshift({"run", plan_, "--db", url_}).exit_code, 0);
  Sql(*db_, "CREATE INDEX t_n ON t (n)");
  const ProcessResult rollback = workspace_.Pgshift({"rollback", plan_, "--db", url_});
  EXPECT_EQ(rollback.exit_code, 3) << rollback.err;
  EXPECT_TRUE(Contains(rollback.err, "the checkpoint of stage `index`")) << rollback.err;
  EXPECT_TRUE(Contains(rollback.err, "the rollback did not start")) << rollback.err;
  EXPECT_TRUE(Contains(rollback.err, "+ t: index CREATE INDEX t_n ON")) << rollback.err;
  EXPECT_EQ(IndexCount(), "1") << "the rollback acted";
  Sql(*db_, "DROP INDEX t_n");
  const ProcessResult clean = workspace_.Pgshift({"rollback", plan_, "--db", url_});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(IndexCount(), "0");
}

// An index's dependency on its column is reported as such, not as a sequence's ownership.
TEST_F(Drift, AnIndexIsDescribedByTheColumnItDependsOn) {
  ASSERT_EQ(workspace_.Pgshift({"run", plan_, "--db", url_}).exit_code, 0);
  Sql(*db_, "DROP INDEX t_c");
  const ProcessResult rollback = workspace_.Pgshift({"rollback", plan_, "--db", url_});
  EXPECT_EQ(rollback.exit_code, 3) << rollback.err;
  EXPECT_TRUE(Contains(rollback.err, "depends on column t.c")) << rollback.err;
  EXPECT_FALSE(Contains(rollback.err, "sequence owned by")) << rollback.err;
}

TEST_F(Drift, AcceptedDriftLetsTheRollbackGoOn) {
  ASSERT_EQ(workspace_.Pgshift({"run", plan_, "--db", url_}).exit_code, 0);
  Sql(*db_, "ALTER TABLE t ALTER COLUMN c SET DEFAULT 7");
  const ProcessResult rollback =
      workspace_.Pgshift({"rollback", plan_, "--db", url_, "--to", "add", "--accept-drift"});
  EXPECT_EQ(rollback.exit_code, 3) << rollback.err << rollback.out;
  // Undone, but the hand-made default is not the plan's to undo, and the final proof says so.
  EXPECT_EQ(IndexCount(), "0");
  EXPECT_TRUE(Contains(rollback.err, "rolled back, but the catalog differs")) << rollback.err;
}

}  // namespace
}  // namespace pgshift::testing
