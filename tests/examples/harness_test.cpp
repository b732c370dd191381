// The examples test's own parts must be able to fail: the workload reports errors and empty
// reads, the catalog snapshot sees what the runner's fingerprint does not (functions), and a
// wrong application file is refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/examples/app_spec.h"
#include "tests/examples/catalog_snapshot.h"
#include "tests/examples/plan_under_load.h"
#include "tests/examples/workload.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

TEST(ExampleHarness, WorkloadReportsFailedStatementsAndEmptyReads) {
  const std::string url = FreshDatabase();
  ASSERT_FALSE(url.empty());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  Sql(*db, "CREATE TABLE t (n bigint)");
  std::atomic<long> counter{0};
  AppRelease good{"old", "", {"INSERT INTO t VALUES ($1)"}, {"SELECT n FROM t WHERE n = $1"}};
  AppRelease bad{"new", "", {"INSERT INTO missing VALUES ($1)"}, {"SELECT n FROM t WHERE false"}};
  Workload fine(url, good, counter), failing(url, bad, counter);
  fine.Start();
  failing.Start();
  EXPECT_TRUE(fine.WaitForIterations(3, std::chrono::seconds(10)));
  EXPECT_TRUE(failing.WaitForIterations(3, std::chrono::seconds(10)));
  fine.Stop();
  failing.Stop();
  EXPECT_EQ(fine.ErrorCount(), 0);
  EXPECT_GE(failing.ErrorCount(), 6);
  const std::vector<std::string> errors = failing.Errors();
  ASSERT_GE(errors.size(), 2u);
  EXPECT_NE(errors[0].find("relation \"missing\" does not exist"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("returned no row"), std::string::npos) << errors[1];
  // Every statement is timed, and the failed ones are marked so.
  const std::vector<LatencySample> samples = failing.Samples();
  ASSERT_GE(samples.size(), 6u);
  EXPECT_FALSE(samples[0].ok);
  EXPECT_FALSE(samples[1].ok);
  EXPECT_GT(samples[1].start, samples[0].start);
  EXPECT_GT(samples[0].latency.count(), 0);
  for (const LatencySample& sample : fine.Samples()) EXPECT_TRUE(sample.ok);
  // The numbers are unique across both workloads.
  EXPECT_EQ(Scalar(*db, "SELECT count(*) = count(DISTINCT n) FROM t"), "t");
}

// A release deployed after a stage of the hand-written plan is deployed after the other plan's
// last stage of that phase or earlier; one retired before a stage, before the other plan's first
// stage of that phase or later.
TEST(ExampleHarness, DeploysMoveToTheOtherPlansStagesByPhase) {
  using rules::Phase;
  runner::Plan hand, other;
  for (const auto& [id, phase] : std::vector<std::pair<std::string, Phase>>{
           {"add", Phase::kExpand}, {"fill", Phase::kBackfill}, {"drop", Phase::kContract}}) {
    hand.stages.push_back({id, phase});
  }
  for (const auto& [id, phase] :
       std::vector<std::pair<std::string, Phase>>{{"e1", Phase::kExpand},
                                                  {"e2", Phase::kExpand},
                                                  {"s1", Phase::kSwitch},
                                                  {"s2", Phase::kSwitch},
                                                  {"c1", Phase::kContract}}) {
    other.stages.push_back({id, phase});
  }
  AppSpec app;
  app.old_release = {"old", "", {}, {"SELECT 1"}, "", "fill"};
  app.new_release = {"new", "", {}, {"SELECT 1"}, "fill", ""};
  AppSpec moved = MovedToPlan(app, hand, other);
  EXPECT_EQ(moved.old_release.retired_before, "s1");
  EXPECT_EQ(moved.new_release.deployed_after, "e2");
  EXPECT_EQ(moved.old_release.deployed_after, "");
  app.old_release.retired_before = "drop";
  app.new_release.deployed_after = "add";
  moved = MovedToPlan(app, hand, other);
  EXPECT_EQ(moved.old_release.retired_before, "c1");
  EXPECT_EQ(moved.new_release.deployed_after, "e2");
}

TEST(ExampleHarness, SnapshotSeesFunctionsValidationAndSequences) {
  const std::string url = FreshDatabase();
  ASSERT_FALSE(url.empty());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  Sql(*db, "CREATE TABLE t (id serial PRIMARY KEY, n int)");
  const std::vector<std::string> before = CatalogSnapshot(*db);
  EXPECT_EQ(SnapshotDiff(before, CatalogSnapshot(*db)), "");
  Sql(*db, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  EXPECT_NE(SnapshotDiff(before, CatalogSnapshot(*db)).find("+ function f() "), std::string::npos);
  Sql(*db, "DROP FUNCTION f()");
  Sql(*db, "ALTER TABLE t ADD CONSTRAINT n_set CHECK (n IS NOT NULL) NOT VALID");
  const std::vector<std::string> not_valid = CatalogSnapshot(*db);
  Sql(*db, "ALTER TABLE t VALIDATE CONSTRAINT n_set");
  EXPECT_NE(SnapshotDiff(not_valid, CatalogSnapshot(*db)).find("- constraint t.n_set"),
            std::string::npos);
  Sql(*db, "ALTER TABLE t DROP CONSTRAINT n_set; ALTER SEQUENCE t_id_seq AS bigint");
  EXPECT_NE(SnapshotDiff(before, CatalogSnapshot(*db)).find("+ sequence t_id_seq bigint"),
            std::string::npos);
}

TEST(ExampleHarness, ApplicationFileMistakesAreRefused) {
  const fs::path path =
      fs::temp_directory_path() / ("pgshift-app-" + std::to_string(getpid()) + ".toml");
  std::ofstream(path) << "colour = 1\n"
                         "[old]\nread = [\"SELECT 1\"]\nretired_before = \"a\"\n"
                         "[new]\nwrite = [\"SELECT 1\"]\ndeployed_after = \"nowhere\"\n"
                         "retire_before = \"b\"\n";
  auto read = ReadAppSpec(path.string(), {"a", "b"});
  fs::remove(path);
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(read));
  std::string all;
  for (const std::string& error : std::get<std::vector<std::string>>(read)) all += error + "\n";
  EXPECT_NE(all.find("`colour` is not a key"), std::string::npos) << all;
  EXPECT_NE(all.find("`new.deployed_after` names `nowhere`"), std::string::npos) << all;
  EXPECT_NE(all.find("`new.retire_before` is not a key of a release"), std::string::npos) << all;

  std::ofstream(path) << "[old]\nread = [\"SELECT 1\"]\ndeployed_after = \"b\"\n"
                         "retired_before = \"a\"\n[new]\nread = [\"SELECT 1\"]\n";
  read = ReadAppSpec(path.string(), {"a", "b"});
  fs::remove(path);
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(read));
  EXPECT_NE(
      std::get<std::vector<std::string>>(read)[0].find("comes before the release is deployed"),
      std::string::npos);
}

}  // namespace
}  // namespace pgshift::testing
