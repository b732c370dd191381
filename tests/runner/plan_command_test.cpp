// `pgshift plan` and the runner commands' checks that need no database, end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

class PlanCommand : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    return workspace_.Write(name, text);
  }
  Workspace workspace_{"plan"};
  const fs::path& dir_ = workspace_.dir();
};

const std::string kExample =
    std::string(PGSHIFT_SOURCE_DIR) + "/migrations-examples/06-rename-column/plan.toml";

TEST_F(PlanCommand, ShowsTheExampleWithoutADatabase) {
  const ProcessResult text = RunPgshift({"plan", kExample});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("3. index-new-column [switch]"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("runs outside a transaction"), std::string::npos);
  const ProcessResult json = RunPgshift({"plan", kExample, "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(json.out)["id"], "rename-users-email");
}

TEST_F(PlanCommand, ExitCodesSayWhatWentWrong) {
  const ProcessResult invalid = RunPgshift({"plan", Write("p.toml", "id = \"x\"\nstage = 3\n")});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("the plan is invalid"), std::string::npos);
  const ProcessResult missing = RunPgshift({"plan", (dir_ / "absent.toml").string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("cannot read the plan file"), std::string::npos);
  EXPECT_EQ(RunPgshift({"plan"}).exit_code, 2);
}

TEST_F(PlanCommand, EveryConfigurationErrorIsALineOfItsOwn) {
  fs::copy_file(std::string(PGSHIFT_SOURCE_DIR) + "/migrations-examples/01-add-index-to-large-table/plan.toml",
                dir_ / "plan.toml");
  Write("pgshift.toml", "[runner]\nlock_timout = \"1s\"\nretries = \"many\"\n");
  const ProcessResult r = RunPgshift({"plan", (dir_ / "plan.toml").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  std::istringstream lines(r.err);
  int errors = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind("pgshift: ", 0), 0u) << line;
    errors += line.find("pgshift.toml:") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(errors, 2) << r.err;
}

TEST_F(PlanCommand, RunChecksItsArgumentsBeforeConnecting) {
  // No server listens on port 1: every refusal below happens before any connection.
  const std::string db = "postgresql://nobody@127.0.0.1:1/none";
  const ProcessResult through = RunPgshift({"run", kExample, "--db", db, "--through", "nowhere"});
  EXPECT_EQ(through.exit_code, 2);
  EXPECT_NE(through.err.find("--through nowhere names neither a phase"), std::string::npos)
      << through.err;
  const ProcessResult duration =
      RunPgshift({"run", kExample, "--db", db, "--lock-timeout", "soon"});
  EXPECT_EQ(duration.exit_code, 2);
  const ProcessResult dry = RunPgshift({"run", kExample, "--db", db, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would run stages 1-5 (through `validate-check`)"), std::string::npos)
      << dry.out;
  ProcessOptions no_env;
  no_env.env["PGSHIFT_DATABASE_URL"] = "";
  const ProcessResult no_target = RunPgshift({"run", kExample}, no_env);
  EXPECT_EQ(no_target.exit_code, 2);
  EXPECT_NE(no_target.err.find("no target"), std::string::npos);
  ProcessOptions state;
  state.env["XDG_STATE_HOME"] = dir_.string();
  const ProcessResult no_sandbox = RunPgshift({"status", kExample, "--sandbox"}, state);
  EXPECT_EQ(no_sandbox.exit_code, 2);
  EXPECT_NE(no_sandbox.err.find("no sandbox `default` is running"), std::string::npos);
  const ProcessResult unreachable =
      RunPgshift({"run", kExample, "--db", "postgresql://u:secret@127.0.0.1:1/x", "--journal",
                  (dir_ / "j.db").string()});
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_NE(unreachable.err.find("cannot connect to postgresql://u:***@127.0.0.1:1/x"),
            std::string::npos)
      << unreachable.err;
  EXPECT_EQ(unreachable.err.find("secret"), std::string::npos);
}

TEST_F(PlanCommand, ContainerEnginesThatDoNotRunAreReported) {
  ProcessOptions state;
  state.env["XDG_STATE_HOME"] = dir_.string();
  state.env["PATH"] = dir_.string();  // no engine on this PATH at all
  const ProcessResult podman = RunPgshift({"sandbox", "start", "--engine", "podman"}, state);
  EXPECT_EQ(podman.exit_code, 3);
  EXPECT_NE(podman.err.find("podman is not usable here: not installed"), std::string::npos)
      << podman.err;
}

TEST_F(PlanCommand, APlanAfterSandboxIsThePlanNotTheSandboxsName) {
  // `--sandbox [NAME]` takes the next word; a path cannot be a sandbox's name, so it is the plan.
  ProcessOptions state;
  state.env["XDG_STATE_HOME"] = dir_.string();
  for (const char* command : {"run", "status", "rollback"}) {
    const ProcessResult after = RunPgshift({command, "--sandbox", kExample}, state);
    EXPECT_EQ(after.exit_code, 2) << command;
    EXPECT_NE(after.err.find("no sandbox `default` is running"), std::string::npos)
        << command << ": " << after.err;
  }
  const ProcessResult named = RunPgshift({"run", "--sandbox", "blue", kExample}, state);
  EXPECT_NE(named.err.find("no sandbox `blue` is running"), std::string::npos) << named.err;
  const ProcessResult both = RunPgshift({"run", kExample, "--sandbox", "other.toml"}, state);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("`other.toml` is not a sandbox name"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace pgshift::testing
