// The container provider's command lines, checked without an engine.
#include "runner/container_commands.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pgshift::runner {
namespace {

bool Has(const Argv& argv, const std::vector<std::string>& sequence) {
  return std::search(argv.begin(), argv.end(), sequence.begin(), sequence.end()) != argv.end();
}

TEST(ContainerCommands, RunPublishesOnLoopbackAndTrustsOnlyThere) {
  const Argv run = ContainerRunCommand("podman", "postgres:16", "pgshift-sandbox-1");
  EXPECT_EQ(run[0], "podman");
  EXPECT_EQ(run[1], "run");
  EXPECT_TRUE(Has(run, {"--detach"}));
  EXPECT_TRUE(Has(run, {"--name", "pgshift-sandbox-1"}));
  EXPECT_TRUE(Has(run, {"--publish", "127.0.0.1::5432"}));
  EXPECT_TRUE(Has(run, {"--env", "POSTGRES_HOST_AUTH_METHOD=trust"}));
  // The image comes before the server's own options, which follow it.
  const auto image = std::find(run.begin(), run.end(), "postgres:16");
  ASSERT_NE(image, run.end());
  EXPECT_EQ(*(image + 1), "-c");
}

TEST(ContainerCommands, PortReadyRemoveAndInfo) {
  EXPECT_EQ(ContainerPortCommand("docker", "c"), (Argv{"docker", "port", "c", "5432/tcp"}));
  const Argv ready = ContainerReadyCommand("docker", "c");
  EXPECT_TRUE(Has(ready, {"docker", "exec", "c", "pg_isready"}));
  EXPECT_TRUE(Has(ready, {"--host", "127.0.0.1"}));
  EXPECT_EQ(ContainerRemoveCommand("podman", "c"),
            (Argv{"podman", "rm", "--force", "--volumes", "c"}));
  EXPECT_EQ(ContainerInfoCommand("docker"), (Argv{"docker", "info"}));
}

TEST(ContainerCommands, ParsesThePublishedPort) {
  EXPECT_EQ(ParsePublishedPort("127.0.0.1:49153\n"), 49153);
  EXPECT_EQ(ParsePublishedPort("0.0.0.0:5000\n[::]:5000\n"), 5000);
  EXPECT_EQ(ParsePublishedPort("[::1]:6000"), 6000);
  EXPECT_EQ(ParsePublishedPort(""), std::nullopt);
  EXPECT_EQ(ParsePublishedPort("Error: no public port '5432/tcp' published for c\n"), std::nullopt);
  EXPECT_EQ(ParsePublishedPort("127.0.0.1:99999"), std::nullopt);
}

TEST(ContainerCommands, NamesAreFreshAndRecognisable) {
  const std::string a = NewContainerName(), b = NewContainerName();
  EXPECT_EQ(a.rfind("pgshift-sandbox-", 0), 0u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace pgshift::runner
