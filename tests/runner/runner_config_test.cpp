// The [runner] section of pgshift.toml.
#include <gtest/gtest.h>

#include "workspace/config.h"

namespace pgshift::workspace {
namespace {

TEST(RunnerConfig, ReadsDurationsCountsAndJournal) {
  const ConfigResult result = ParseConfig(
      "[runner]\nlock_timeout = \"250ms\"\nstatement_timeout = \"2min\"\nretries = 3\n"
      "batch_size = 5000\nbatch_time = \"1s\"\nthrottle = \"10ms\"\njournal = \"/tmp/j.db\"\n",
      "pgshift.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(result)) << std::get<ConfigError>(result).message;
  const Config& config = std::get<Config>(result);
  EXPECT_EQ(config.runner.lock_timeout, runner::Millis(250));
  EXPECT_EQ(config.runner.statement_timeout, runner::Millis(120000));
  EXPECT_EQ(config.runner.retries, 3);
  EXPECT_EQ(config.runner.batch_size, 5000);
  EXPECT_EQ(config.runner.batch_time, runner::Millis(1000));
  EXPECT_EQ(config.runner.throttle, runner::Millis(10));
  EXPECT_EQ(config.journal, "/tmp/j.db");
}

TEST(RunnerConfig, BadValuesNameFileLineAndKey) {
  auto error = [](const std::string& text) {
    const ConfigResult result = ParseConfig(text, "pgshift.toml");
    return std::holds_alternative<ConfigError>(result) ? std::get<ConfigError>(result).message : "";
  };
  EXPECT_EQ(error("[runner]\nlock_timeout = \"soon\"\n"),
            "pgshift.toml:2:16: `runner.lock_timeout` must be a duration such as \"500ms\", \"1s\" "
            "or \"2min\", up to 24 days");
  EXPECT_EQ(error("[runner]\nthrottle = \"600h\"\n"),
            "pgshift.toml:2:12: `runner.throttle` must be a duration such as \"500ms\", \"1s\" "
            "or \"2min\", up to 24 days");
  EXPECT_EQ(error("[runner]\nbatch_size = 1e102\n"),
            "pgshift.toml:2:14: `runner.batch_size` must be a whole number from 1 to 10000000");
  EXPECT_EQ(error("pg_version = 15.0\n"),
            "pgshift.toml:1:14: `pg_version` must be a server major version from 10 to 18");
  EXPECT_EQ(error("[runner]\nretries = -1\n"),
            "pgshift.toml:2:11: `runner.retries` must be a whole number from 0 to 100");
  EXPECT_EQ(error("[runner]\nbatch = 1\n"), "pgshift.toml:2:1: unknown key `runner.batch`");
}

}  // namespace
}  // namespace pgshift::workspace
