// `pgshift plan new` end to end: every worked example's one-shot migration, planned and checked
// by `pgshift plan`; exit codes and messages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

class PlanNew : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    return workspace_.Write(name, text);
  }
  Workspace workspace_{"plan-new"};
  const fs::path& dir_ = workspace_.dir();
};

// Whether the example's one-shot migration becomes a complete plan (the others are planned in
// part, with NOT MADE SAFE statements, exit 1).
struct ExampleExpectation {
  std::string name;
  int exit_code;
  std::size_t stages;
};

TEST_F(PlanNew, EveryExampleBecomesAPlanThatPgshiftPlanAccepts) {
  const std::vector<ExampleExpectation> examples = {
      {"01-add-index-to-large-table", 0, 1}, {"02-add-unique-constraint", 0, 2},
      {"03-add-foreign-key", 0, 2},          {"04-drop-unused-table", 0, 1},
      {"05-add-not-null-column", 0, 6},      {"06-rename-column", 0, 4},
      {"07-change-column-type", 0, 19},      {"08-move-columns-to-new-table", 0, 6},
  };
  std::size_t seen = 0;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(std::string(PGSHIFT_SOURCE_DIR) + "/migrations-examples")) {
    if (!entry.is_directory()) continue;
    ++seen;
  }
  EXPECT_EQ(seen, examples.size()) << "a new example: add its expectation here";
  for (const ExampleExpectation& example : examples) {
    SCOPED_TRACE(example.name);
    const std::string naive =
        std::string(PGSHIFT_SOURCE_DIR) + "/migrations-examples/" + example.name + "/naive.sql";
    const std::string plan = (dir_ / (example.name + ".toml")).string();
    const std::string seed =
        std::string(PGSHIFT_SOURCE_DIR) + "/migrations-examples/" + example.name + "/seed.sql";
    const ProcessResult made = RunPgshift({"plan", "new", naive, "--schema", seed, "-o", plan});
    EXPECT_EQ(made.exit_code, example.exit_code) << made.err;
    if (example.exit_code == 1) EXPECT_NE(made.err.find("NOT MADE SAFE"), std::string::npos);
    std::ifstream in(plan);
    const std::string toml((std::istreambuf_iterator<char>(in)), {});
    std::size_t stages = 0;
    for (std::size_t at = toml.find("[[stage]]"); at != std::string::npos;
         at = toml.find("[[stage]]", at + 1)) {
      ++stages;
    }
    EXPECT_EQ(stages, example.stages) << toml;
    if (example.stages == 0) continue;
    const ProcessResult checked = RunPgshift({"plan", plan});
    EXPECT_EQ(checked.exit_code, 0) << checked.err << "\n" << toml;
  }
}

TEST_F(PlanNew, WritesToStandardOutputAndReportsNotMadeSafeOnStderr) {
  const std::string migration =
      Write("0007_users.sql", "CREATE INDEX ON users (email);\nTRUNCATE audit;\n");
  const ProcessResult result = RunPgshift({"plan", "new", migration});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("id = \"0007-users\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("CREATE INDEX CONCURRENTLY users_email_idx"), std::string::npos);
  EXPECT_NE(result.out.find("# NOT MADE SAFE (" + migration + ":2:1)"), std::string::npos)
      << result.out;
  EXPECT_NE(result.err.find(migration + ":2:1: NOT MADE SAFE"), std::string::npos) << result.err;
}

TEST_F(PlanNew, UnreadableAndUsage) {
  const ProcessResult missing = RunPgshift({"plan", "new", (dir_ / "missing.sql").string()});
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
  EXPECT_EQ(RunPgshift({"plan", "new"}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"plan", "new", "a.sql", "--id", "Bad Id"}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"plan"}).exit_code, 2);
  const std::string migration = Write("m.sql", "CREATE INDEX ON t (a);");
  const ProcessResult unwritable =
      RunPgshift({"plan", "new", migration, "-o", (dir_ / "no/such/dir/plan.toml").string()});
  EXPECT_EQ(unwritable.exit_code, 3) << unwritable.err;
  const ProcessResult onto_itself = RunPgshift({"plan", "new", migration, "-o", migration});
  EXPECT_EQ(onto_itself.exit_code, 2) << onto_itself.err;
  std::ifstream kept(migration);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(kept)), {}), "CREATE INDEX ON t (a);");
}

TEST_F(PlanNew, PlanCommandStillTakesAPlanFile) {
  const ProcessResult result =
      RunPgshift({"plan", std::string(PGSHIFT_SOURCE_DIR) +
                              "/migrations-examples/01-add-index-to-large-table/plan.toml"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

}  // namespace
}  // namespace pgshift::testing
