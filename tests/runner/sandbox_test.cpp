// The sandbox against the machine's real server binaries, and `pgshift sandbox` end to end.
#include "runner/sandbox.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "runner/container_commands.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

TEST(Sandbox, SharedServerAnswersAsAnUnprivilegedUser) {
  const runner::SandboxInfo& info = SharedServer();
  ASSERT_FALSE(info.url.empty());
  const std::size_t from = info.url.find("//") + 2;
  const std::string userinfo = info.url.substr(from, info.url.find('@') - from);
  EXPECT_EQ(userinfo.find(':'), std::string::npos) << "the URL carries no password: " << info.url;
  auto db = ConnectTo(FreshDatabase());
  ASSERT_TRUE(db);
  EXPECT_EQ(Scalar(*db, "SELECT 40 + 2"), "42");
  if (geteuid() == 0) {
    struct stat st {};
    ASSERT_EQ(stat((info.directory + "/data").c_str(), &st), 0);
    EXPECT_NE(st.st_uid, 0u) << "the data directory belongs to an unprivileged user";
  }
}

TEST(Sandbox, StartSeedsAndStopRemovesEverything) {
  const fs::path seed =
      fs::temp_directory_path() / ("pgshift-seed-" + std::to_string(getpid()) + ".sql");
  std::ofstream(seed)
      << "CREATE TABLE seeded (id int PRIMARY KEY); INSERT INTO seeded VALUES (1), (2), (3);\n";
  runner::SandboxOptions options;
  options.seed_file = seed.string();
  auto started = runner::StartSandbox(options);
  fs::remove(seed);
  ASSERT_TRUE(std::holds_alternative<runner::SandboxInfo>(started))
      << std::get<runner::SandboxError>(started).message;
  const auto info = std::get<runner::SandboxInfo>(started);
  EXPECT_NE(info.port, SharedServer().port);
  {
    auto db = ConnectTo(info.url);
    ASSERT_TRUE(db);
    EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM seeded"), "3");
  }
  EXPECT_TRUE(fs::exists(info.directory));
  EXPECT_EQ(runner::StopSandbox(info), std::nullopt);
  EXPECT_FALSE(fs::exists(info.directory));
  EXPECT_TRUE(runner::WaitUntilReady(info.url, 1).has_value()) << "the server is gone";
}

TEST(Sandbox, BadSeedIsReportedAndNothingIsLeftBehind) {
  const fs::path seed =
      fs::temp_directory_path() / ("pgshift-bad-seed-" + std::to_string(getpid()) + ".sql");
  std::ofstream(seed) << "CREATE TABLE x (;\n";
  runner::SandboxOptions options;
  options.seed_file = seed.string();
  auto started = runner::StartSandbox(options);
  fs::remove(seed);
  ASSERT_TRUE(std::holds_alternative<runner::SandboxError>(started));
  EXPECT_NE(std::get<runner::SandboxError>(started).message.find("syntax error"),
            std::string::npos);
}

TEST(Sandbox, RestartKeepsDataAndPort) {
  auto started = runner::StartSandbox({});
  ASSERT_TRUE(std::holds_alternative<runner::SandboxInfo>(started));
  const auto info = std::get<runner::SandboxInfo>(started);
  {
    auto db = ConnectTo(info.url);
    ASSERT_TRUE(db);
    Sql(*db, "CREATE TABLE kept (id int)");
  }
  EXPECT_EQ(runner::RestartSandbox(info), std::nullopt);
  auto db = ConnectTo(info.url);
  ASSERT_TRUE(db);
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM kept"), "0");
  db.reset();
  EXPECT_EQ(runner::StopSandbox(info), std::nullopt);
}

TEST(SandboxCommand, StartUrlStopEndToEnd) {
  const fs::path state = fs::temp_directory_path() / ("pgshift-state-" + std::to_string(getpid()));
  ProcessOptions env;
  env.env["XDG_STATE_HOME"] = state.string();
  // Whatever fails below, the server does not outlive the test.
  struct Cleanup {
    ProcessOptions env;
    fs::path state;
    ~Cleanup() {
      RunPgshift({"sandbox", "stop", "--name", "e2e"}, env);
      fs::remove_all(state);
    }
  } cleanup{env, state};
  const ProcessResult start = RunPgshift({"sandbox", "start", "--name", "e2e"}, env);
  ASSERT_EQ(start.exit_code, 0) << start.err;
  const std::string url = start.out.substr(0, start.out.find('\n'));
  EXPECT_EQ(url.rfind("postgresql://postgres@127.0.0.1:", 0), 0u) << url;
  const ProcessResult again = RunPgshift({"sandbox", "start", "--name", "e2e"}, env);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already running"), std::string::npos);
  const ProcessResult where = RunPgshift({"sandbox", "url", "--name", "e2e"}, env);
  EXPECT_EQ(where.out, url + "\n");
  EXPECT_EQ(RunPgshift({"sandbox", "stop", "--name", "e2e"}, env).exit_code, 0);
  EXPECT_TRUE(runner::WaitUntilReady(url, 1).has_value());
  const ProcessResult gone = RunPgshift({"sandbox", "url", "--name", "e2e"}, env);
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_NE(gone.err.find("no sandbox `e2e` is running"), std::string::npos);
}

// Runs only where a container engine answers; elsewhere it says why it was skipped.
TEST(SandboxCommand, ContainerEngineWhenOneRuns) {
  std::string reasons;
  for (const std::string engine : {"docker", "podman"}) {
    const ProcessResult info = RunProcess(runner::ContainerInfoCommand(engine));
    if (info.exit_code != 0) {
      reasons +=
          engine + (info.started ? ": the engine does not answer (`" + engine + " info` failed); "
                                 : ": not installed; ");
      continue;
    }
    runner::SandboxOptions options;
    options.engine = engine;
    options.image = "postgres:16";
    auto started = runner::StartSandbox(options);
    ASSERT_TRUE(std::holds_alternative<runner::SandboxInfo>(started))
        << std::get<runner::SandboxError>(started).message;
    const auto sandbox = std::get<runner::SandboxInfo>(started);
    {
      auto db = ConnectTo(sandbox.url);
      ASSERT_TRUE(db);
      EXPECT_EQ(Scalar(*db, "SELECT 1"), "1");
    }
    EXPECT_EQ(runner::StopSandbox(sandbox), std::nullopt);
    return;
  }
  GTEST_SKIP() << "no container engine runs here: " << reasons;
}

}  // namespace
}  // namespace pgshift::testing
