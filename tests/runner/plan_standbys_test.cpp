// Standbys named by a plan (`replicas`, `max_replica_lag`): read like pgshift.toml's [runner]
// keys, errors located in the plan without quoting a connection string, left out of the
// checksum, and merged between pgshift.toml and the command line.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/runner_support.h"
#include "runner/plan.h"
#include "runner/plan_render.h"
#include "runner/plan_review.h"

namespace pgshift::cli {
namespace {

const char* kStage =
    "[[stage]]\nid = \"add\"\nphase = \"expand\"\nsql = \"ALTER TABLE t ADD COLUMN c int\"\n"
    "rollback = \"ALTER TABLE t DROP COLUMN c\"\n";

std::variant<runner::Plan, runner::PlanErrors> Parse(const std::string& head) {
  return runner::ParsePlan("id = \"p\"\n" + head + kStage, "plan.toml");
}

std::string Errors(const std::string& head) {
  const auto parsed = Parse(head);
  if (!std::holds_alternative<runner::PlanErrors>(parsed)) return "";
  std::string all;
  for (const std::string& m : std::get<runner::PlanErrors>(parsed).messages) all += m + "\n";
  return all;
}

runner::Plan Plan(const std::string& head) {
  auto parsed = Parse(head);
  if (auto* errors = std::get_if<runner::PlanErrors>(&parsed)) {
    ADD_FAILURE() << errors->messages.front();
    return {};
  }
  return std::get<runner::Plan>(std::move(parsed));
}

TEST(PlanStandbys, ReadAsInTheRunnerSection) {
  const runner::Plan plan =
      Plan("replicas = [\"postgresql://s1/app\", \"host=s2 dbname=app\"]\nmax_replica_lag = 2.5\n");
  EXPECT_EQ(plan.standbys.replicas,
            (std::vector<std::string>{"postgresql://s1/app", "host=s2 dbname=app"}));
  EXPECT_EQ(plan.standbys.max_replica_lag, runner::Millis(2500));
  EXPECT_EQ(plan.standbys.replicas_at, "plan.toml:2:12");
  EXPECT_EQ(Plan("max_replica_lag = \"750ms\"\n").standbys.max_replica_lag, runner::Millis(750));
  EXPECT_EQ(Plan("max_replica_lag = 3\n").standbys.max_replica_lag, runner::Millis(3000));
  const runner::Plan none = Plan("");
  EXPECT_TRUE(none.standbys.replicas.empty());
  EXPECT_FALSE(none.standbys.max_replica_lag);
}

// `pgshift plan` shows the standbys the backfill will wait for, with passwords hidden.
TEST(PlanStandbys, ShownRedactedByPlan) {
  const runner::Plan plan = Plan(
      "replicas = [\"postgresql://app:s3cret@s1/app\", \"host=s2 dbname=app\"]\n"
      "max_replica_lag = 2.5\n");
  const runner::PlanReview review = runner::ReviewPlan(plan, {});
  std::ostringstream text;
  runner::RenderPlanText(plan, review, text);
  EXPECT_NE(text.str().find("standbys (backfill waits while one lags more than 2500 ms): "
                            "postgresql://app:***@s1/app host=s2 dbname=app\n"),
            std::string::npos)
      << text.str();
  EXPECT_EQ(text.str().find("s3cret"), std::string::npos);
  const auto json = runner::PlanJson(plan, review);
  EXPECT_EQ(json["replicas"][0], "postgresql://app:***@s1/app");
  EXPECT_EQ(json["max_replica_lag_ms"], 2500);
  std::ostringstream none;
  runner::RenderPlanText(Plan(""), review, none);
  EXPECT_EQ(none.str().find("standbys"), std::string::npos);
}

TEST(PlanStandbys, BadValuesNameThePlanLineColumnAndKey) {
  EXPECT_EQ(Errors("max_replica_lag = \"later\"\n"),
            "plan.toml:2:19: `max_replica_lag` must be a number of seconds above 0 or a duration "
            "such as \"500ms\"\n");
  EXPECT_EQ(Errors("max_replica_lag = 0\n"),
            "plan.toml:2:19: `max_replica_lag` must be a number of seconds above 0 or a duration "
            "such as \"500ms\"\n");
  EXPECT_EQ(Errors("replicas = \"postgresql://s1/app\"\n"),
            "plan.toml:2:12: `replicas` must be a non-empty list of standby connection strings\n");
  EXPECT_EQ(Errors("replicas = []\n"),
            "plan.toml:2:12: `replicas` must be a non-empty list of standby connection strings\n");
  EXPECT_EQ(Errors("replicas = [\"postgresql://s1/app\", 5, \"\"]\n"),
            "plan.toml:2:36: `replicas[2]` must be a standby's connection string (a non-empty "
            "string)\n"
            "plan.toml:2:39: `replicas[3]` must be a standby's connection string (a non-empty "
            "string)\n");
  EXPECT_EQ(Errors("replica = [\"postgresql://s1/app\"]\n"),
            "plan.toml:2:1: unknown key `replica` (expected one of: id, summary, stage, replicas, "
            "max_replica_lag)\n");
}

TEST(PlanStandbys, AnUnreadableConnectionStringIsNamedButNeverQuoted) {
  const std::string errors =
      Errors("replicas = [\"postgresql://s1/app\",\n  \"host=s2 password=hunter2secret port\"]\n");
  EXPECT_EQ(errors,
            "plan.toml:3:3: `replicas[2]` is not a connection string libpq can read (a "
            "postgresql:// URL or key=value pairs)\n");
  EXPECT_EQ(errors.find("hunter2secret"), std::string::npos);
  const std::string encoding = Errors("replicas = [\"postgresql://u:hunter2%zzsecret@s1/app\"]\n");
  EXPECT_NE(encoding.find("`replicas[1]` is not a connection string"), std::string::npos)
      << encoding;
  EXPECT_EQ(encoding.find("hunter2"), std::string::npos) << encoding;
}

TEST(PlanStandbys, TheChecksumLeavesThemOut) {
  const std::string bare = Plan("").checksum;
  ASSERT_FALSE(bare.empty());
  EXPECT_EQ(Plan("replicas = [\"postgresql://s1/app\"]\nmax_replica_lag = 2\n").checksum, bare);
  EXPECT_EQ(Plan("replicas = [\"postgresql://s2/app\"]\nmax_replica_lag = \"1min\"\n").checksum,
            bare);
  // While a change to what runs still counts.
  EXPECT_NE(
      std::get<runner::Plan>(runner::ParsePlan("id = \"q\"\n" + std::string(kStage), "p")).checksum,
      bare);
}

// pgshift.toml, then the plan, then the command line.
TEST(PlanStandbys, CommandLineOverPlanOverConfig) {
  runner::RunSettings config;
  config.replicas = {"postgresql://from-config/app"};
  config.max_replica_lag = runner::Millis(9000);
  const runner::Plan plan =
      Plan("replicas = [\"postgresql://from-plan/app\"]\nmax_replica_lag = 2\n");
  int exit_code = 0;

  runner::RunSettings settings = config;
  SettingsFlags none;
  ASSERT_TRUE(ApplyPlanSettings(plan, none, settings, "run", exit_code));
  ASSERT_TRUE(ApplySettingsFlags(none, settings, "run", exit_code));
  EXPECT_EQ(settings.replicas, (std::vector<std::string>{"postgresql://from-plan/app"}));
  EXPECT_EQ(settings.max_replica_lag, runner::Millis(2000));

  SettingsFlags flags;
  flags.replicas = {"postgresql://from-flag/app"};
  flags.max_replica_lag = "500ms";
  settings = config;
  ASSERT_TRUE(ApplyPlanSettings(plan, flags, settings, "run", exit_code));
  ASSERT_TRUE(ApplySettingsFlags(flags, settings, "run", exit_code));
  EXPECT_EQ(settings.replicas, (std::vector<std::string>{"postgresql://from-flag/app"}));
  EXPECT_EQ(settings.max_replica_lag, runner::Millis(500));

  // Only the lag in the plan: the standbys stay pgshift.toml's.
  settings = config;
  ASSERT_TRUE(ApplyPlanSettings(Plan("max_replica_lag = 1\n"), none, settings, "run", exit_code));
  EXPECT_EQ(settings.replicas, config.replicas);
  EXPECT_EQ(settings.max_replica_lag, runner::Millis(1000));
  EXPECT_EQ(exit_code, 0);
}

TEST(PlanStandbys, StandbysWithoutALagAnywhereAreRefused) {
  const runner::Plan plan = Plan("\nreplicas = [\"postgresql://s1/app\"]\n");
  int exit_code = 0;
  runner::RunSettings settings;
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(ApplyPlanSettings(plan, {}, settings, "run", exit_code));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(exit_code, 2);
  EXPECT_NE(err.find("plan.toml:3:12: `replicas` needs max_replica_lag"), std::string::npos) << err;
  // A lag from the command line or pgshift.toml is enough.
  SettingsFlags flags;
  flags.max_replica_lag = "2";
  settings = {};
  EXPECT_TRUE(ApplyPlanSettings(plan, flags, settings, "run", exit_code));
  settings.max_replica_lag = runner::Millis(1000);
  EXPECT_TRUE(ApplyPlanSettings(plan, {}, settings, "run", exit_code));
}

}  // namespace
}  // namespace pgshift::cli
