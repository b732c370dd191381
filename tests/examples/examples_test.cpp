// Every worked example in migrations-examples/, end to end against a real server with the real
// pgshift binary: naive.sql is flagged exactly as its `-- expect:` lines say, and README.md names
// each of those rules; the plan has no error verdict in any phase; the plan runs through contract
// while the application's two releases (app.toml) insert and read at the stages where they are
// deployed, without a single error; and from every checkpoint before contract, `pgshift rollback`
// restores the catalog, as the runner proves with its fingerprint and as a snapshot of
// pg_catalog taken here confirms.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "runner/plan.h"
#include "tests/examples/app_spec.h"
#include "tests/examples/catalog_snapshot.h"
#include "tests/examples/workload.h"
#include "tests/rules/fixture.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

// Iterations each running release completes between two stages, so that every stage boundary
// is crossed under load (the releases also run while each stage runs).
constexpr long kIterationsPerStep = 5;
constexpr auto kProgressTimeout = std::chrono::seconds(30);

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

  // Runs the plan through `stage` and fails the test unless it succeeds.
  bool RunThrough(const std::string& url, const std::string& stage) {
    const ProcessResult run =
        Pgshift({"run", Path("plan.toml"), "--db", url, "--through", stage, "--progress", "none"});
    EXPECT_EQ(run.exit_code, 0) << "pgshift run --through " << stage << "\n" << run.out << run.err;
    return run.exit_code == 0;
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
  const AppSpec app = std::get<AppSpec>(read);
  const std::string url = SeededDatabase();
  ASSERT_FALSE(url.empty());
  std::atomic<long> counter{0};
  Workload old_release(url, app.old_release, counter);
  Workload new_release(url, app.new_release, counter);
  const std::vector<std::pair<const AppRelease*, Workload*>> releases = {
      {&app.old_release, &old_release}, {&app.new_release, &new_release}};
  // Each running release must get on with its work at every step, or it is stuck behind a lock.
  auto progress = [&](const std::string& when) {
    for (const auto& [release, workload] : releases) {
      if (workload->Running()) {
        EXPECT_TRUE(workload->WaitForIterations(kIterationsPerStep, kProgressTimeout))
            << "the " << release->name << " release made no progress " << when;
      }
    }
  };
  for (const auto& [release, workload] : releases) {
    if (release->deployed_after.empty()) workload->Start();
  }
  progress("before the first stage");
  for (const std::string& stage : stages_) {
    for (const auto& [release, workload] : releases) {
      if (release->retired_before == stage) workload->Stop();
    }
    if (!RunThrough(url, stage)) break;
    progress("after stage " + stage);
    for (const auto& [release, workload] : releases) {
      if (release->deployed_after == stage) workload->Start();
    }
    progress("after the deploys that follow stage " + stage);
  }
  for (const auto& [release, workload] : releases) {
    workload->Stop();
    for (const std::string& error : workload->Errors()) ADD_FAILURE() << error;
    EXPECT_EQ(workload->ErrorCount(), 0) << "errors in the " << release->name << " release";
    EXPECT_GE(workload->Iterations(), kIterationsPerStep)
        << "the " << release->name << " release never ran";
  }
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM pgshift.stages WHERE plan_id = " +
                            db->QuoteLiteral(plan_.id) + " AND status <> 'done'"),
            "0");
  if (!app.check.empty()) {
    EXPECT_EQ(Scalar(*db, app.check), "t") << "check: " << app.check;
  }
}

TEST_P(Example, RollsBackFromEveryCheckpointBeforeContract) {
  std::vector<std::string> reversible;  // the stages before contract
  for (const runner::Stage& stage : plan_.stages) {
    if (stage.phase != rules::Phase::kContract) reversible.push_back(stage.id);
  }
  ASSERT_FALSE(reversible.empty()) << "the plan has no stage before contract";
  const std::string url = SeededDatabase();
  ASSERT_FALSE(url.empty());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  // snapshots[k]: the catalog after the first k stages (0: the seed alone).
  std::vector<std::vector<std::string>> snapshots = {CatalogSnapshot(*db)};
  for (const std::string& stage : reversible) {
    ASSERT_TRUE(RunThrough(url, stage));
    snapshots.push_back(CatalogSnapshot(*db));
  }
  auto rollback = [&](std::size_t keep) {
    std::vector<std::string> args = {"rollback", Path("plan.toml"), "--db", url};
    if (keep > 0) args.insert(args.end(), {"--to", reversible[keep - 1]});
    const ProcessResult result = Pgshift(args);
    const std::string shown = keep > 0 ? "--to " + reversible[keep - 1] : "to the baseline";
    EXPECT_EQ(result.exit_code, 0) << "pgshift rollback " << shown << "\n"
                                   << result.out << result.err;
    EXPECT_TRUE(Contains(result.out + result.err, "the catalog matches"))
        << "pgshift rollback " << shown << "\n"
        << result.out << result.err;
    const std::string diff = SnapshotDiff(snapshots[keep], CatalogSnapshot(*db));
    EXPECT_TRUE(diff.empty()) << "after pgshift rollback " << shown
                              << ", pg_catalog differs from the checkpoint:\n"
                              << diff;
  };
  // From each checkpoint, one stage back.
  for (std::size_t k = reversible.size(); k-- > 0;) rollback(k);
  // And from the last checkpoint before contract all the way back, in one rollback.
  ASSERT_TRUE(RunThrough(url, reversible.back()));
  EXPECT_TRUE(SnapshotDiff(snapshots.back(), CatalogSnapshot(*db)).empty())
      << "running the plan again did not reach the same catalog";
  rollback(0);
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
