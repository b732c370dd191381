// What an operator reads of a run, end to end with the real binary and a real server: an error
// printed once, whether the two outputs meet (a terminal, 2>&1) or not; `status` saying the
// duration `run` said, with RFC 3339 times, and exiting 1 after a failed stage; `run --format json`
// ending with one result object; `history --format json` as `--json`; a connection lost under a
// statement named as such.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

constexpr const char* kFailingPlan = R"toml(
id = "ops"
[[stage]]
id = "make"
phase = "expand"
sql = "CREATE TABLE made (id int PRIMARY KEY)"
rollback = "DROP TABLE made"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE made ADD COLUMN x int REFERENCES absent_table (id)"
rollback = "ALTER TABLE made DROP COLUMN x"
)toml";
constexpr const char* kDetail = "relation \"absent_table\" does not exist";

class OperatorOutput : public ::testing::Test {
 protected:
  void SetUp() override { url_ = FreshDatabase(); }
  std::vector<std::string> Args(const std::string& command, std::vector<std::string> more = {}) {
    std::vector<std::string> args{command, workspace_.Write("plan.toml", kFailingPlan), "--db", url_};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  std::string url_;
  Workspace workspace_{"operator-output"};
};

TEST_F(OperatorOutput, AFailedStageIsSaidOnceWhereTheOutputsMeet) {
  const ProcessResult run = workspace_.PgshiftMerged(Args("run"));
  EXPECT_EQ(run.exit_code, 3) << run.out;
  EXPECT_EQ(Count(run.out, kDetail), 1u) << run.out;
  EXPECT_NE(run.out.find("stage `add` failed"), std::string::npos) << run.out;
}

TEST_F(OperatorOutput, ApartEachOutputSaysItOnce) {
  const ProcessResult run = workspace_.Pgshift(Args("run"));
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_EQ(Count(run.out, kDetail), 1u) << run.out;
  EXPECT_EQ(Count(run.err, kDetail), 1u) << run.err;
  EXPECT_NE(run.err.find("pgshift run: stage `add` failed"), std::string::npos) << run.err;
}

TEST_F(OperatorOutput, StatusSaysTheDurationRunSaidAndExitsOneAfterAFailure) {
  const ProcessResult run = workspace_.Pgshift(Args("run"));
  ASSERT_EQ(run.exit_code, 3) << run.out << run.err;
  std::smatch done;
  ASSERT_TRUE(std::regex_search(run.out, done, std::regex("make: done in ([^\n]+)"))) << run.out;

  const ProcessResult status = workspace_.Pgshift(Args("status"));
  EXPECT_EQ(status.exit_code, 1) << status.out << status.err;
  std::smatch row;
  ASSERT_TRUE(std::regex_search(status.out, row,
                                std::regex("\n1 +make +expand +done +\\S+ +(\\d+(\\.\\d+)? \\S+) ")))
      << status.out;
  EXPECT_EQ(row[1].str(), done[1].str()) << run.out << status.out;

  const ProcessResult json = workspace_.Pgshift(Args("status", {"--format", "json"}));
  EXPECT_EQ(json.exit_code, 1) << json.err;
  const nlohmann::json stages = nlohmann::json::parse(json.out)["stages"];
  ASSERT_EQ(stages.size(), 2u);
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)");
  for (const auto& stage : stages) {
    EXPECT_TRUE(std::regex_match(stage["started_at"].get<std::string>(), rfc3339)) << stage;
    EXPECT_TRUE(std::regex_match(stage["finished_at"].get<std::string>(), rfc3339)) << stage;
    EXPECT_TRUE(stage["duration_ms"].is_number()) << stage;
  }
  EXPECT_EQ(stages[1]["status"], "failed");
}

TEST_F(OperatorOutput, RunFormatJsonIsOneResultObject) {
  const ProcessResult run = workspace_.Pgshift(Args("run", {"--format", "json"}));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  const nlohmann::json result = nlohmann::json::parse(run.out);  // nothing else on stdout
  EXPECT_EQ(result["outcome"], "failed");
  EXPECT_EQ(result["plan"], "ops");
  EXPECT_NE(result["message"].get<std::string>().find(kDetail), std::string::npos);
  ASSERT_EQ(result["stages"].size(), 2u);
  EXPECT_EQ(result["stages"][0]["status"], "done");
  EXPECT_EQ(result["stages"][1]["status"], "failed");
  EXPECT_TRUE(result["duration_ms"].is_number());
  EXPECT_EQ(Count(run.err, kDetail), 1u) << run.err;

  const ProcessResult flag = workspace_.Pgshift({"history", "--json"});
  const ProcessResult format = workspace_.Pgshift({"history", "--format", "json"});
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(format.out, flag.out);
  EXPECT_EQ(nlohmann::json::parse(format.out)[0]["outcome"], "failed");
}

TEST_F(OperatorOutput, ALostConnectionSaysTheServerClosedIt) {
  const std::string plan = workspace_.Write("slow.toml", R"toml(
id = "slow"
[[stage]]
id = "sleep"
phase = "expand"
sql = "SELECT pg_sleep(60)"
rollback = []
)toml");
  ProcessResult run;
  std::thread runner([&] { run = workspace_.Pgshift({"run", plan, "--db", url_}); });
  // The run's session, once it sleeps, is ended from outside (as a restart or an operator would).
  auto db = ConnectTo(url_);
  ASSERT_TRUE(db);
  std::string ended = "0";
  for (int i = 0; i < 200 && ended == "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ended = Scalar(*db,
                   "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = "
                   "'SELECT pg_sleep(60)' AND datname = current_database()");
  }
  runner.join();
  ASSERT_EQ(ended, "1");
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("lost the connection to the server during statement 1 of stage `sleep`"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("client encoding"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace pgshift::testing
