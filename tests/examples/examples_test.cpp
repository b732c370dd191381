// Every worked example in migrations-examples/, end to end against a real server with the real
// pgshift binary: naive.sql is flagged exactly as its `-- expect:` lines say, and README.md names
// each of those rules; the plan has no error verdict in any phase; the plan runs through contract
// while the application's two releases (app.toml) insert and read at the stages where they are
// deployed, without a single error and without a statement waiting longer than the lock timeout;
// and from every checkpoint before contract, `pgshift rollback` restores the catalog, as the
// runner proves with its fingerprint and as a snapshot of pg_catalog taken here confirms.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "runner/plan.h"
#include "tests/examples/app_spec.h"
#include "tests/examples/plan_under_load.h"
#include "tests/rules/fixture.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(PGSHIFT_SOURCE_DIR) / "migrations-examples";

std::vector<std::string> ExampleNames() {
  std::vector<std::string> names;
  static const std::regex kNumbered(R"(^\d\d-[a-z0-9-]+$)");
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(name, kNumbered)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Example : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = kExamples / GetParam();
    auto plan = runner::ReadPlanFile(Path("plan.toml"));
    if (auto* errors = std::get_if<runner::PlanErrors>(&plan)) {
      for (const std::string& message : errors->messages) ADD_FAILURE() << message;
      return;
    }
    plan_ = std::get<runner::Plan>(plan);
    for (const runner::Stage& stage : plan_.stages) stages_.push_back(stage.id);
  }

  std::string Path(const std::string& file) const { return (dir_ / file).string(); }
  ProcessResult Pgshift(const std::vector<std::string>& args) { return workspace_.Pgshift(args); }

  // A fresh database holding the example's seed.
  std::string SeededDatabase() {
    const std::string url = FreshDatabase();
    if (url.empty()) return url;
    auto db = ConnectTo(url);
    if (db) Sql(*db, Read(Path("seed.sql")));
    return url;
  }

  fs::path dir_;
  Workspace workspace_{"example"};
  runner::Plan plan_;
  std::vector<std::string> stages_;
};

TEST_P(Example, HasEveryPart) {
  for (const char* file : {"README.md", "naive.sql", "plan.toml", "seed.sql", "app.toml"}) {
    EXPECT_TRUE(fs::is_regular_file(dir_ / file)) << GetParam() << " has no " << file;
  }
}

TEST_P(Example, NaiveMigrationIsFlaggedAsTheReadmeSays) {
  const std::string naive = Path("naive.sql");
  std::vector<std::string> errors;
  const std::vector<Expectation> expected = ParseExpectations(Read(naive), errors);
  for (const std::string& error : errors) ADD_FAILURE() << naive << ": " << error;

  const ProcessResult lint = Pgshift({"lint", "--format", "json", naive});
  ASSERT_TRUE(lint.exit_code == 0 || lint.exit_code == 1) << lint.err;
  const auto report = nlohmann::json::parse(lint.out);
  std::vector<rules::Finding> findings;
  for (const auto& item : report["findings"]) {
    rules::Finding finding;
    finding.rule = item["rule"];
    finding.message = item["message"];
    finding.start.line = item["line"];
    finding.start.column = item["column"];
    findings.push_back(finding);
  }
  for (const std::string& problem : MatchFindings(naive, expected, findings)) {
    ADD_FAILURE() << problem;
  }
  const std::string readme = Read(dir_ / "README.md");
  for (const Expectation& e : expected) {
    EXPECT_TRUE(Contains(readme, "`" + e.rule + "`"))
        << GetParam() << "/README.md does not name `" << e.rule << "`, which naive.sql expects";
  }
}

TEST_P(Example, PlanHasNoErrorVerdictInAnyPhase) {
  const ProcessResult plan = Pgshift({"plan", Path("plan.toml"), "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  const nlohmann::json parsed = nlohmann::json::parse(plan.out);
  for (const auto& stage : parsed["stages"]) {
    for (const auto& statement : stage["sql"]) {
      for (const auto& finding : statement["findings"]) {
        EXPECT_NE(finding["severity"], "error") << "stage " << stage["id"] << ": " << finding;
      }
    }
  }
}

TEST_P(Example, RunsThroughContractUnderTheApplicationsLoad) {
  auto read = ReadAppSpec(Path("app.toml"), stages_);
  if (auto* errors = std::get_if<std::vector<std::string>>(&read)) {
    for (const std::string& error : *errors) ADD_FAILURE() << error;
    return;
  }
  const std::string url = SeededDatabase();
  ASSERT_FALSE(url.empty());
  RunUnderLoad(workspace_, Path("plan.toml"), plan_, std::get<AppSpec>(read), url, GetParam(),
               "plan");
}

// Only to draw the examples' latency charts (tools/latency_chart.py): the one-shot migration
// under the same load, which fails the application in most examples, so nothing is asserted.
TEST_P(Example, OneShotMigrationUnderTheApplicationsLoad) {
  if (!LatencyLog::Wanted()) GTEST_SKIP() << "PGSHIFT_EXAMPLES_LATENCY_DIR is not set";
  auto read = ReadAppSpec(Path("app.toml"), stages_);
  ASSERT_TRUE(std::holds_alternative<AppSpec>(read));
  const std::string url = SeededDatabase();
  ASSERT_FALSE(url.empty());
  RunOneShotUnderLoad(Read(Path("naive.sql")), std::get<AppSpec>(read), url, GetParam());
}

TEST_P(Example, RollsBackFromEveryCheckpointBeforeContract) {
  const std::string url = SeededDatabase();
  ASSERT_FALSE(url.empty());
  RollsBackFromEveryCheckpoint(workspace_, Path("plan.toml"), plan_, url);
}

INSTANTIATE_TEST_SUITE_P(WorkedExamples, Example, ::testing::ValuesIn(ExampleNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace pgshift::testing
