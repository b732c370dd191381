// Throttle settings: --max-replica-lag values and the [runner] keys of pgshift.toml.
#include <gtest/gtest.h>

#include "workspace/config.h"
#include "runner/progress.h"
#include "runner/throttle.h"

namespace pgshift::workspace {
namespace {

TEST(ThrottleSettings, ReplicaLagIsSecondsOrADuration) {
  EXPECT_EQ(runner::ParseReplicaLag("2"), runner::Millis(2000));
  EXPECT_EQ(runner::ParseReplicaLag("0.5"), runner::Millis(500));
  EXPECT_EQ(runner::ParseReplicaLag("300ms"), runner::Millis(300));
  EXPECT_EQ(runner::ParseReplicaLag("1min"), runner::Millis(60000));
  EXPECT_EQ(runner::ParseReplicaLag("0"), std::nullopt);
  EXPECT_EQ(runner::ParseReplicaLag("soon"), std::nullopt);
  EXPECT_EQ(runner::ParseReplicaLag(""), std::nullopt);
  EXPECT_EQ(runner::FormatSeconds(4.23), "4.2 s");
  EXPECT_EQ(runner::FormatSeconds(0.35), "350 ms");
}

TEST(ThrottleSettings, ReadFromTheRunnerSection) {
  const ConfigResult result = ParseConfig(
      "[runner]\nmax_replica_lag = 2.5\nreplicas = [\"postgresql://s1/app\", \"host=s2\"]\n"
      "throttle_query = \"SELECT 0\"\nmax_load = 40\ncritical_load = 90\n",
      "pgshift.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(result)) << std::get<ConfigError>(result).message;
  const runner::RunSettings& s = std::get<Config>(result).runner;
  EXPECT_EQ(s.max_replica_lag, runner::Millis(2500));
  EXPECT_EQ(s.replicas, (std::vector<std::string>{"postgresql://s1/app", "host=s2"}));
  EXPECT_EQ(s.throttle_query, "SELECT 0");
  EXPECT_EQ(s.max_load, 40);
  EXPECT_EQ(s.critical_load, 90);
  const ConfigResult text = ParseConfig("[runner]\nmax_replica_lag = \"750ms\"\n", "pgshift.toml");
  ASSERT_TRUE(std::holds_alternative<Config>(text));
  EXPECT_EQ(std::get<Config>(text).runner.max_replica_lag, runner::Millis(750));
}

TEST(ThrottleSettings, BadValuesNameFileLineAndKey) {
  auto error = [](const std::string& text) {
    const ConfigResult result = ParseConfig(text, "pgshift.toml");
    return std::holds_alternative<ConfigError>(result) ? std::get<ConfigError>(result).message : "";
  };
  EXPECT_EQ(error("[runner]\nmax_replica_lag = \"later\"\n"),
            "pgshift.toml:2:19: `runner.max_replica_lag` must be a number of seconds above 0 or "
            "a duration such as \"500ms\"");
  EXPECT_EQ(error("[runner]\nmax_load = 0\n"),
            "pgshift.toml:2:12: `runner.max_load` must be a whole number of sessions from 1 to "
            "1000000");
  EXPECT_EQ(error("[runner]\ncritical_load = \"many\"\n"),
            "pgshift.toml:2:17: `runner.critical_load` must be a whole number of sessions from 1 "
            "to 1000000");
  EXPECT_NE(error("[runner]\nreplicas = [\"postgresql://s1/app\"]\n").find("needs max_replica_lag"),
            std::string::npos);
  EXPECT_NE(error("[runner]\nthrottle_query = 1\n").find("`runner.throttle_query` must be a query"),
            std::string::npos);
}

TEST(ThrottleSettings, ProgressShowsTheTimeThrottled) {
  const nlohmann::json detail = {{"rows_scanned", 50}, {"rows_total", 100},
                                 {"rows_per_second", 10}, {"eta_seconds", 5}};
  EXPECT_EQ(runner::ProgressLine("s", detail, 4).find("throttled"), std::string::npos);
  nlohmann::json throttled = detail;
  throttled["throttled_ms"] = 4200;
  const std::string line = runner::ProgressLine("s", throttled, 4);
  EXPECT_EQ(line.substr(line.size() - 17), "  throttled 4.2 s") << line;
}

}  // namespace
}  // namespace pgshift::workspace
