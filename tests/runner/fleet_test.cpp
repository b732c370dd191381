// `pgshift run --fleet` against real databases on one server: twenty targets through contract in
// three waves, a failing health gate on the canary that leaves the next wave untouched, a runner
// killed mid-wave that a rerun resumes, unreachable targets under both policies, fleet status and
// rollback, and fleet files with mistakes.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/fleet_file.h"
#include "runner/sandbox.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool WaitFor(const std::function<bool()>& condition, int seconds = 20) {
  for (auto end = Clock::now() + std::chrono::seconds(seconds); Clock::now() < end;) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Expand adds a column (and sleeps as long as the table `nap` says), switch sets its default,
// contract drops the old column: the stages every target goes through.
const char* kPlan = R"toml(
id = "fleet-demo"
[[stage]]
id = "add"
phase = "expand"
sql = ["ALTER TABLE t ADD COLUMN c int", "SELECT pg_sleep((SELECT seconds FROM nap))"]
rollback = "ALTER TABLE t DROP COLUMN c"
[[stage]]
id = "default"
phase = "switch"
sql = "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0"
rollback = "ALTER TABLE t ALTER COLUMN c DROP DEFAULT"
[[stage]]
id = "drop-old"
phase = "contract"
sql = "ALTER TABLE t DROP COLUMN old"
rollback = "irreversible"
)toml";

// Seconds since midnight of a journal time, "2026-11-29T04:40:01.123Z".
double SecondsOfDay(const std::string& at) {
  return std::stoi(at.substr(11, 2)) * 3600.0 + std::stoi(at.substr(14, 2)) * 60.0 +
         std::stod(at.substr(17, 6));
}

// An address nothing listens on: connecting fails at once.
const char* kNowhere = "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2";

class Fleet : public ::testing::Test {
 protected:
  // `count` databases named after the test, each with table t and a nap of 0 s.
  std::vector<std::string> Databases(int count) {
    std::vector<std::string> urls;
    const std::string base = SharedServer().url;
    auto admin = ConnectTo(base);
    if (!admin) return urls;
    const std::string prefix =
        std::string("f_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (int i = 0; i < count; ++i) {
      std::string name = prefix.substr(0, 50) + "_" + std::to_string(i);
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
      Sql(*admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      Sql(*admin, "CREATE DATABASE " + name);
      const std::string url = WithDatabase(base, name);
      auto db = ConnectTo(url);
      if (!db) return {};
      Sql(*db,
          "CREATE TABLE t (id bigint PRIMARY KEY, old text); CREATE TABLE nap (seconds float8);"
          "INSERT INTO nap VALUES (0)");
      urls.push_back(url);
    }
    return urls;
  }
  std::string Query(const std::string& url, const std::string& sql) {
    auto db = ConnectTo(url);
    return db ? Scalar(*db, sql) : "";
  }
  bool LedgerUntouched(const std::string& url) {
    return Query(url, "SELECT to_regclass('pgshift.plans') IS NULL") == "t";
  }
  std::string HasColumn(const std::string& url, const std::string& column) {
    return Query(url,
                 "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND "
                 "column_name = '" +
                     column + "'");
  }
  static std::string TargetList(const std::vector<std::string>& urls, std::size_t from,
                                std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) out += (i == from ? "\"" : ", \"") + urls[i] + "\"";
    return "[" + out + "]";
  }

  Workspace workspace_{"fleet"};
};

TEST_F(Fleet, TwentyDatabasesGoThroughContractWaveByWave) {
  const auto start = Clock::now();
  auto urls = Databases(20);
  ASSERT_EQ(urls.size(), 20u);
  // The canary is named, with a password in its URL that must never be shown.
  const std::string secret_url = "postgresql://postgres:s3cr3t-pw@" +
                                 urls[0].substr(std::string("postgresql://postgres@").size());
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  const std::string fleet = workspace_.Write(
      "fleet.toml",
      "soak = \"1s\"\ncheck_every = \"250ms\"\n"
      "gate = \"SELECT count(*) >= 0 FROM t\"\n"
      "targets = " +
          TargetList(urls, 1, 20) +
          "\n[[wave]]\nname = \"canary\"\ntargets = [{ name = \"canary-db\", url = \"" +
          secret_url + "\" }]\n[[wave]]\nname = \"early\"\npercent = 35\n");
  const ProcessResult dry = workspace_.Pgshift({"run", plan, "--fleet", fleet, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_TRUE(Contains(dry.out, "wave 2 `early`: 7 targets")) << dry.out;
  EXPECT_TRUE(Contains(dry.out, "wave 3 `rest`: 12 targets")) << dry.out;
  EXPECT_TRUE(Contains(dry.out, "    canary-db\n")) << dry.out;
  EXPECT_TRUE(LedgerUntouched(urls[0]));
  const auto run_start = Clock::now();
  const ProcessResult run = workspace_.Pgshift(
      {"run", plan, "--fleet", fleet, "--through", "contract", "--parallel", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_FALSE(Contains(run.out + run.err, "s3cr3t-pw"));
  EXPECT_TRUE(Contains(run.out, "canary-db")) << run.out;
  EXPECT_TRUE(Contains(run.out, "the gate passed")) << run.out;
  // Waves in order: the canary's soak ends before any target of the next wave starts.
  EXPECT_LT(run.out.find("wave `canary`: the gate passed"), run.out.find("wave `early` ("));
  EXPECT_LT(run.out.find("wave `early`: the gate passed"), run.out.find("wave `rest` ("));
  const double fleet_seconds = std::chrono::duration<double>(Clock::now() - run_start).count();
  // Each target's time, first event to last, from the journal (for bench/RESULTS.md).
  const ProcessResult history = workspace_.Pgshift({"history", "--json", "--limit", "1"});
  const auto runs = nlohmann::json::parse(history.out, nullptr, false);
  ASSERT_TRUE(runs.is_array() && runs.size() == 1u) << history.out;
  std::map<std::string, std::pair<double, double>> spans;
  for (const auto& event : runs[0]["events"]) {
    if (!event["detail"].contains("target")) continue;
    const double at = SecondsOfDay(event["at"].get<std::string>());
    auto [it, fresh] = spans.try_emplace(event["detail"]["target"].get<std::string>(), at, at);
    it->second.second = at;
  }
  ASSERT_EQ(spans.size(), 20u);
  std::vector<double> per_target;
  for (const auto& [target, span] : spans) per_target.push_back(span.second - span.first);
  std::sort(per_target.begin(), per_target.end());
  std::cerr << "twenty-database fleet run: " << fleet_seconds << " s; per target min "
            << per_target.front() << " s, median " << per_target[10] << " s, max "
            << per_target.back() << " s\n";
  for (const std::string& url : urls) {
    EXPECT_EQ(HasColumn(url, "c"), "1") << url;
    EXPECT_EQ(HasColumn(url, "old"), "0") << url;
    EXPECT_EQ(Query(url, "SELECT count(*) FROM pgshift.stages WHERE status = 'done'"), "3");
  }

  const ProcessResult status =
      workspace_.Pgshift({"status", plan, "--fleet", fleet, "--format", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto json = nlohmann::json::parse(status.out);
  ASSERT_EQ(json["targets"].size(), 20u);
  EXPECT_EQ(json["targets"][0]["target"], "canary-db");
  for (const auto& target : json["targets"]) {
    EXPECT_EQ(target["state"], "through") << target.dump();
    EXPECT_EQ(target["stages_done"], 3);
    EXPECT_EQ(target["last_done_stage"], "drop-old");
  }
  // 35 % of the 19 listed, rounded up, then the rest.
  EXPECT_EQ(json["targets"][7]["wave"], "early");
  EXPECT_EQ(json["targets"][8]["wave"], "rest");
  EXPECT_EQ(json["targets"][19]["wave"], "rest");
  const ProcessResult text = workspace_.Pgshift({"status", plan, "--fleet", fleet});
  EXPECT_TRUE(Contains(text.out, "canary-db")) << text.out;
  EXPECT_TRUE(Contains(text.out, "drop-old (contract)")) << text.out;
  EXPECT_FALSE(Contains(text.out, "s3cr3t-pw"));

  // Rerun: every target is already through, nothing runs again.
  const ProcessResult again =
      workspace_.Pgshift({"run", plan, "--fleet", fleet, "--through", "contract"});
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  EXPECT_TRUE(Contains(again.out, "already-through")) << again.out;
  EXPECT_FALSE(Contains(again.out, "  ran")) << again.out;
  std::cerr << "twenty-database fleet: "
            << std::chrono::duration<double>(Clock::now() - start).count() << " s\n";
}

TEST_F(Fleet, AFailingGateOnTheCanaryHaltsBeforeTheNextWave) {
  auto urls = Databases(3);
  ASSERT_EQ(urls.size(), 3u);
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  // Healthy only while column c does not exist: the canary's expand breaks it.
  const std::string fleet = workspace_.Write(
      "fleet.toml",
      "soak = \"2s\"\ncheck_every = \"200ms\"\n"
      "gate = \"SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = "
      "'t' AND column_name = 'c')\"\n[[wave]]\nname = \"canary\"\ntargets = [{ name = \"first\", "
      "url = \"" +
          urls[0] + "\" }]\n[[wave]]\nname = \"second\"\ntargets = " + TargetList(urls, 1, 3) +
          "\n");
  const ProcessResult run = workspace_.Pgshift({"run", plan, "--fleet", fleet});
  EXPECT_EQ(run.exit_code, 3) << run.err << run.out;
  EXPECT_TRUE(Contains(run.err, "halted after wave `canary`")) << run.err;
  EXPECT_TRUE(Contains(run.err, "the gate returned f on first")) << run.err;
  EXPECT_EQ(HasColumn(urls[0], "c"), "1");
  EXPECT_TRUE(LedgerUntouched(urls[1]));
  EXPECT_TRUE(LedgerUntouched(urls[2]));

  const ProcessResult back = workspace_.Pgshift({"rollback", plan, "--fleet", fleet});
  ASSERT_EQ(back.exit_code, 0) << back.err << back.out;
  EXPECT_EQ(HasColumn(urls[0], "c"), "0");
  EXPECT_TRUE(Contains(back.out, "first  rolled-back")) << back.out;
  EXPECT_TRUE(Contains(back.out, "never-ran")) << back.out;
  EXPECT_TRUE(LedgerUntouched(urls[1]));
}

TEST_F(Fleet, AFailingGateCommandHaltsAndNamesItsExitCode) {
  auto urls = Databases(2);
  ASSERT_EQ(urls.size(), 2u);
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  const std::string fleet = workspace_.Write(
      "fleet.toml",
      "gate_command = \"echo unhealthy >&2; test \\\"$PGSHIFT_FLEET_WAVE\\\" != canary || "
      "exit 7\"\n[[wave]]\ntargets = " +
          TargetList(urls, 0, 1) +
          "\n[[wave]]\nname = \"next\"\ntargets = " + TargetList(urls, 1, 2) + "\n");
  const ProcessResult run = workspace_.Pgshift({"run", plan, "--fleet", fleet});
  EXPECT_EQ(run.exit_code, 3) << run.err << run.out;
  EXPECT_TRUE(Contains(run.err, "the gate command exited with 7: unhealthy")) << run.err;
  EXPECT_EQ(HasColumn(urls[0], "c"), "1");
  EXPECT_TRUE(LedgerUntouched(urls[1]));
}

TEST_F(Fleet, ARunnerKilledMidWaveResumesWhereEachTargetStands) {
  auto urls = Databases(4);
  ASSERT_EQ(urls.size(), 4u);
  {
    auto slow = ConnectTo(urls[2]);
    ASSERT_TRUE(slow);
    Sql(*slow, "UPDATE nap SET seconds = 60");
  }
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  const std::string fleet = workspace_.Write(
      "fleet.toml",
      "soak = \"1s\"\ncheck_every = \"500ms\"\ngate = \"SELECT true\"\n"
      "[[wave]]\ntargets = " +
          TargetList(urls, 0, 1) +
          "\n[[wave]]\nname = \"rest\"\ntargets = " + TargetList(urls, 1, 4) + "\n");
  ProcessResult first;
  std::thread background([&] { first = workspace_.Pgshift({"run", plan, "--fleet", fleet}); });
  auto watcher = ConnectTo(urls[2]);
  ASSERT_TRUE(watcher);
  const char* sleeping =
      "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND datname = current_database() "
      "AND query LIKE 'SELECT pg_sleep((SELECT seconds FROM nap))%'";
  const bool asleep = WaitFor([&] { return !Scalar(*watcher, sleeping).empty(); });
  if (asleep) {
    const ProcessResult during = workspace_.Pgshift({"status", plan, "--fleet", fleet, "--json"});
    const auto json = nlohmann::json::parse(during.out, nullptr, false);
    EXPECT_EQ(json["targets"][1]["state"], "through") << during.out;
    EXPECT_EQ(json["targets"][2]["state"], "running") << during.out;
    EXPECT_EQ(json["targets"][3]["state"], "never-run") << during.out;
    const std::string runner = Scalar(*watcher, "SELECT runner FROM pgshift.plans");
    const pid_t pid =
        static_cast<pid_t>(std::stol(runner.substr(std::string("pgshift pid ").size())));
    EXPECT_EQ(kill(pid, SIGKILL), 0);
  }
  background.join();
  ASSERT_TRUE(asleep) << first.err << first.out;
  EXPECT_EQ(first.signal, SIGKILL);
  // The server ends the dead runner's session (here at once rather than after the sleep).
  Sql(*watcher,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "current_database() AND pid <> pg_backend_pid() AND application_name = 'pgshift run'");
  Sql(*watcher, "UPDATE nap SET seconds = 0");
  EXPECT_EQ(Query(urls[1], "SELECT count(*) FROM pgshift.stages WHERE status = 'done'"), "2");
  EXPECT_EQ(HasColumn(urls[2], "c"), "0") << "the killed transaction was committed";
  EXPECT_TRUE(LedgerUntouched(urls[3]));

  const ProcessResult status = workspace_.Pgshift({"status", plan, "--fleet", fleet});
  // Killed: the ledger still says running, but no runner holds the plan.
  EXPECT_TRUE(Contains(status.out, "interrupted")) << status.out;

  const ProcessResult resumed = workspace_.Pgshift({"run", plan, "--fleet", fleet});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  // The canary and the first of the wave were through: they are skipped, not run again.
  const std::size_t already = [&] {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = resumed.out.find("  already-through", at)) != std::string::npos;
         ++at)
      ++n;
    return n;
  }();
  EXPECT_EQ(already, 2u) << resumed.out;
  // The next wave had begun, so the canary's soak had passed: its gate is checked once, no soak.
  EXPECT_FALSE(Contains(resumed.out, "wave `canary`: soaking")) << resumed.out;
  EXPECT_TRUE(Contains(resumed.out, "wave `canary`: the gate passed")) << resumed.out;
  for (const std::string& url : urls) {
    EXPECT_EQ(HasColumn(url, "c"), "1") << url;
    EXPECT_EQ(Query(url, "SELECT count(*) FROM pgshift.stages WHERE status = 'done'"), "2");
  }
}

// Three targets sleep at once under --parallel 3; one SIGINT cancels all three statements.
TEST_F(Fleet, ParallelTargetsRunAtOnceAndOneSignalInterruptsEveryOne) {
  auto urls = Databases(3);
  ASSERT_EQ(urls.size(), 3u);
  for (const std::string& url : urls) {
    auto db = ConnectTo(url);
    ASSERT_TRUE(db);
    Sql(*db, "UPDATE nap SET seconds = 60");
  }
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  const std::string fleet =
      workspace_.Write("fleet.toml", "[[wave]]\ntargets = " + TargetList(urls, 0, 3) + "\n");
  ProcessResult stopped;
  std::thread background([&] {
    stopped = workspace_.Pgshift({"run", plan, "--fleet", fleet, "--parallel", "3"});
  });
  auto admin = ConnectTo(SharedServer().url);
  ASSERT_TRUE(admin);
  const std::string sleeping =
      "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND datname LIKE "
      "'f_parallel%' AND query LIKE 'SELECT pg_sleep((SELECT seconds FROM nap))%'";
  const bool all_asleep = WaitFor([&] { return Scalar(*admin, sleeping) == "3"; });
  const auto sent = Clock::now();
  if (all_asleep) {
    const std::string runner = Query(urls[0], "SELECT runner FROM pgshift.plans");
    EXPECT_EQ(kill(static_cast<pid_t>(std::stol(runner.substr(std::string("pgshift pid ").size()))),
                   SIGINT),
              0);
  }
  background.join();
  ASSERT_TRUE(all_asleep) << "the three targets did not run at once\n"
                          << stopped.out << stopped.err;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - sent).count(), 10);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err << stopped.out;
  EXPECT_TRUE(Contains(stopped.err, "to resume, run `pgshift run " + plan + " --fleet"))
      << stopped.err;
  EXPECT_EQ(Scalar(*admin, sleeping), "0");
  for (const std::string& url : urls) {
    EXPECT_EQ(Query(url, "SELECT status FROM pgshift.stages WHERE stage_id = 'add'"), "interrupted")
        << url;
    EXPECT_EQ(HasColumn(url, "c"), "0") << url;
  }
}

TEST_F(Fleet, AnUnreachableTargetHaltsOrIsSkippedAsTheFleetSays) {
  auto urls = Databases(3);
  ASSERT_EQ(urls.size(), 3u);
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  const std::string waves = "[[wave]]\ntargets = [\"" + urls[0] +
                            "\"]\n[[wave]]\nname = \"rest\"\ntargets = [{ name = \"gone\", url = "
                            "\"" +
                            std::string(kNowhere) + "\" }, \"" + urls[1] + "\"]\n" +
                            "[[wave]]\nname = \"last\"\ntargets = [\"" + urls[2] + "\"]\n";
  const std::string halting = workspace_.Write("halt.toml", waves);
  const ProcessResult halted = workspace_.Pgshift({"run", plan, "--fleet", halting});
  EXPECT_EQ(halted.exit_code, 3) << halted.err << halted.out;
  EXPECT_TRUE(Contains(halted.err, "target gone unreachable")) << halted.err;
  EXPECT_EQ(HasColumn(urls[0], "c"), "1");
  EXPECT_TRUE(LedgerUntouched(urls[1]));
  EXPECT_TRUE(LedgerUntouched(urls[2]));

  const std::string skipping = workspace_.Write("skip.toml", "unreachable = \"skip\"\n" + waves);
  const ProcessResult skipped = workspace_.Pgshift({"run", plan, "--fleet", skipping});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.err << skipped.out;
  EXPECT_TRUE(Contains(skipped.out, "gone  skipped-unreachable")) << skipped.out;
  EXPECT_TRUE(Contains(skipped.out, "1 unreachable target skipped")) << skipped.out;
  EXPECT_EQ(HasColumn(urls[1], "c"), "1");
  EXPECT_EQ(HasColumn(urls[2], "c"), "1");

  const ProcessResult status = workspace_.Pgshift({"status", plan, "--fleet", skipping, "--json"});
  EXPECT_EQ(status.exit_code, 3) << status.err;
  const auto json = nlohmann::json::parse(status.out);
  EXPECT_EQ(json["targets"][1]["state"], "unreachable");
  EXPECT_EQ(json["targets"][2]["state"], "through");
}

TEST(FleetFile, PercentWavesTakeTheirShareOfTheTargetsInOrder) {
  std::string text = "targets = [";
  for (int i = 1; i <= 10; ++i)
    text += (i == 1 ? "\"" : ", \"") + std::string("host=h") + std::to_string(i) + "\"";
  text +=
      "]\n[[wave]]\ntargets = [\"host=canary\"]\n[[wave]]\npercent = 25\n[[wave]]\nname = "
      "\"half\"\npercent = 50\n";
  const auto parsed = runner::ParseFleet(text, "fleet.toml");
  ASSERT_TRUE(std::holds_alternative<runner::Fleet>(parsed))
      << std::get<runner::FleetErrors>(parsed).messages.front();
  const auto& waves = std::get<runner::Fleet>(parsed).waves;
  ASSERT_EQ(waves.size(), 4u);
  EXPECT_EQ(waves[0].name, "canary");
  ASSERT_EQ(waves[1].targets.size(), 3u);  // 2.5 rounded up
  EXPECT_EQ(waves[1].targets[0].url, "host=h1");
  ASSERT_EQ(waves[2].targets.size(), 5u);
  EXPECT_EQ(waves[2].targets[0].url, "host=h4");
  EXPECT_EQ(waves[3].name, "rest");
  ASSERT_EQ(waves[3].targets.size(), 2u);
  EXPECT_EQ(waves[3].targets[1].url, "host=h10");

  const auto wrong = runner::ParseFleet(
      "[[wave]]\npercent = 20\n[[wave]]\npercent = 0\ntargets = [\"host=a\"]\n", "f.toml");
  ASSERT_TRUE(std::holds_alternative<runner::FleetErrors>(wrong));
  const auto& messages = std::get<runner::FleetErrors>(wrong).messages;
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0],
            "f.toml:2:11: `wave[1].percent` needs the list of targets to take it from (`targets` "
            "at the top)");
  EXPECT_EQ(messages[1], "f.toml:4:11: `wave[2].percent` and `targets` exclude each other");
}

TEST_F(Fleet, TenantSchemasInOneDatabaseKeepTheirOwnLedgerRows) {
  auto urls = Databases(1);
  ASSERT_EQ(urls.size(), 1u);
  const std::string& url = urls[0];
  {
    auto db = ConnectTo(url);
    ASSERT_TRUE(db);
    // public.t (made by Databases) must never be touched: each tenant's search path is its
    // schema alone.
    for (const char* tenant : {"tenant_a", "tenant_b", "tenant_c"}) {
      const std::string s = tenant;
      Sql(*db, "CREATE SCHEMA " + s + "; CREATE TABLE " + s + ".t (id bigint PRIMARY KEY, old " +
                   "text); CREATE TABLE " + s + ".nap (seconds float8); INSERT INTO " + s +
                   ".nap VALUES (0)");
    }
  }
  auto tenant_targets = [&](std::initializer_list<const char*> tenants) {
    std::string out;
    for (const char* tenant : tenants)
      out += std::string(out.empty() ? "" : ", ") + "{ name = \"" + tenant + "\", url = \"" + url +
             "\", schema = \"" + tenant + "\" }";
    return "[" + out + "]";
  };
  auto columns = [&](const std::string& schema) {
    return Query(url,
                 "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM "
                 "information_schema.columns WHERE table_schema = '" +
                     schema + "' AND table_name = 't'");
  };
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  // Tenant a alone first, through contract.
  const std::string one = workspace_.Write(
      "one.toml", "[[wave]]\nname = \"canary\"\ntargets = " + tenant_targets({"tenant_a"}) + "\n");
  const ProcessResult first =
      workspace_.Pgshift({"run", plan, "--fleet", one, "--through", "contract"});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  EXPECT_EQ(columns("tenant_a"), "c,id");
  EXPECT_EQ(columns("tenant_b"), "id,old");
  EXPECT_EQ(columns("public"), "id,old");

  // All three: status tells the tenants apart although they share one ledger.
  const std::string all = workspace_.Write(
      "all.toml", "[[wave]]\nname = \"canary\"\ntargets = " + tenant_targets({"tenant_a"}) +
                      "\n[[wave]]\nname = \"rest\"\ntargets = " +
                      tenant_targets({"tenant_b", "tenant_c"}) + "\n");
  const ProcessResult before = workspace_.Pgshift({"status", plan, "--fleet", all, "--json"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  const auto json = nlohmann::json::parse(before.out, nullptr, false);
  ASSERT_EQ(json["targets"].size(), 3u) << before.out;
  EXPECT_EQ(json["targets"][0]["state"], "through");
  EXPECT_EQ(json["targets"][0]["stages_done"], 3);
  EXPECT_EQ(json["targets"][1]["state"], "never-run");
  EXPECT_EQ(json["targets"][2]["state"], "never-run");

  // Tenants b and c at once (each has its own plan lock), through switch; a is already through.
  const ProcessResult rest =
      workspace_.Pgshift({"run", plan, "--fleet", all, "--through", "switch", "--parallel", "2"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err << rest.out;
  EXPECT_TRUE(Contains(rest.out, "already-through")) << rest.out;
  const ProcessResult after = workspace_.Pgshift({"status", plan, "--fleet", all, "--json"});
  const auto later = nlohmann::json::parse(after.out, nullptr, false);
  ASSERT_EQ(later["targets"].size(), 3u) << after.out;
  EXPECT_EQ(later["targets"][0]["last_done_stage"], "drop-old");
  EXPECT_EQ(later["targets"][1]["last_done_stage"], "default");
  EXPECT_EQ(later["targets"][2]["last_done_stage"], "default");
  const ProcessResult text = workspace_.Pgshift({"status", plan, "--fleet", all});
  EXPECT_TRUE(Contains(text.out, "tenant_b")) << text.out;
  EXPECT_EQ(columns("tenant_b"), "c,id,old");
  EXPECT_EQ(Query(url, "SELECT string_agg(plan_id, ',' ORDER BY plan_id) FROM pgshift.plans"),
            "fleet-demo@tenant_a,fleet-demo@tenant_b,fleet-demo@tenant_c");

  // Contract for every tenant; then rolling back is refused past contract but names each tenant.
  const ProcessResult last =
      workspace_.Pgshift({"run", plan, "--fleet", all, "--through", "contract"});
  ASSERT_EQ(last.exit_code, 0) << last.err << last.out;
  for (const char* tenant : {"tenant_a", "tenant_b", "tenant_c"})
    EXPECT_EQ(columns(tenant), "c,id") << tenant;
  EXPECT_EQ(columns("public"), "id,old");
  EXPECT_EQ(Query(url, "SELECT count(*) FROM pgshift.stages WHERE status = 'done'"), "9");

  // A schema that is not a plain name is refused with its place in the file.
  const std::string bad = workspace_.Write(
      "bad.toml", "[[wave]]\ntargets = [{ url = \"" + url + "\", schema = \"Tenant A\" }]\n");
  const ProcessResult refused = workspace_.Pgshift({"status", plan, "--fleet", bad});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(Contains(refused.err, bad + ":2:")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "`wave[1].targets[1].schema` must be a lower-case"))
      << refused.err;
}

// Two more servers beside the shared one, stopped when the test ends.
class ExtraServer {
 public:
  ExtraServer() {
    auto started = runner::StartSandbox({});
    if (auto* info = std::get_if<runner::SandboxInfo>(&started))
      info_ = *info;
    else
      error_ = std::get<runner::SandboxError>(started).message;
  }
  ~ExtraServer() { Stop(); }
  void Stop() {
    if (info_.port != 0) runner::StopSandbox(info_);
    info_.port = 0;
  }
  const runner::SandboxInfo& info() const { return info_; }
  const std::string& error() const { return error_; }

 private:
  runner::SandboxInfo info_;
  std::string error_;
};

TEST_F(Fleet, AFleetSpansThreeServers) {
  const auto start = Clock::now();
  ExtraServer second, third;
  ASSERT_NE(second.info().port, 0) << second.error();
  ASSERT_NE(third.info().port, 0) << third.error();
  // Two databases on the shared server, two on each extra one.
  std::vector<std::string> urls = Databases(2);
  ASSERT_EQ(urls.size(), 2u);
  for (const ExtraServer* server : {&second, &third}) {
    for (int i = 0; i < 2; ++i) {
      auto admin = ConnectTo(server->info().url);
      ASSERT_TRUE(admin);
      const std::string name = "spread_" + std::to_string(i);
      Sql(*admin, "CREATE DATABASE " + name);
      const std::string url = WithDatabase(server->info().url, name);
      auto db = ConnectTo(url);
      ASSERT_TRUE(db);
      Sql(*db,
          "CREATE TABLE t (id bigint PRIMARY KEY, old text); CREATE TABLE nap (seconds float8);"
          "INSERT INTO nap VALUES (0)");
      urls.push_back(url);
    }
  }
  ASSERT_EQ(urls.size(), 6u);
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  // The canary on the shared server; then one wave across the other two servers.
  const std::string fleet = workspace_.Write(
      "fleet.toml",
      "gate = \"SELECT true\"\n[[wave]]\nname = \"canary\"\ntargets = " + TargetList(urls, 0, 1) +
          "\n[[wave]]\nname = \"spread\"\n" + "targets = " + TargetList(urls, 1, 6) + "\n");
  const ProcessResult run = workspace_.Pgshift(
      {"run", plan, "--fleet", fleet, "--through", "contract", "--parallel", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  for (const std::string& url : urls) {
    EXPECT_EQ(HasColumn(url, "c"), "1") << url;
    EXPECT_EQ(HasColumn(url, "old"), "0") << url;
  }
  const ProcessResult status =
      workspace_.Pgshift({"status", plan, "--fleet", fleet, "--format", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto json = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_EQ(json["targets"].size(), 6u) << status.out;
  for (const auto& target : json["targets"]) EXPECT_EQ(target["state"], "through") << target.dump();
  // One server going away is seen on its targets only.
  third.Stop();
  const ProcessResult partial =
      workspace_.Pgshift({"status", plan, "--fleet", fleet, "--format", "json"});
  EXPECT_EQ(partial.exit_code, 3) << partial.err;
  const auto seen = nlohmann::json::parse(partial.out, nullptr, false);
  ASSERT_EQ(seen["targets"].size(), 6u) << partial.out;
  for (std::size_t i = 0; i < 6; ++i)
    EXPECT_EQ(seen["targets"][i]["state"], i < 4 ? "through" : "unreachable") << i;
  std::cerr << "three-server fleet: " << std::chrono::duration<double>(Clock::now() - start).count()
            << " s\n";
}

TEST_F(Fleet, AMistakenFleetFileIsRefusedWithItsLineColumnAndKey) {
  const std::string plan = workspace_.Write("plan.toml", kPlan);
  const std::string fleet =
      workspace_.Write("fleet.toml",
                       "soak = \"soon\"\nunreachable = \"ignore\"\n[[wave]]\nname = \"canary\"\n"
                       "targets = [\"postgresql://a:pw@h/db\", 3]\ncolour = \"blue\"\n");
  const ProcessResult run = workspace_.Pgshift({"run", plan, "--fleet", fleet});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_TRUE(Contains(run.err, fleet + ":1:8: `soak` must be a duration")) << run.err;
  EXPECT_TRUE(Contains(run.err, fleet + ":2:15: `unreachable` must be")) << run.err;
  EXPECT_TRUE(Contains(run.err, fleet + ":5:38: `wave[1].targets[2]` must be")) << run.err;
  EXPECT_TRUE(Contains(run.err, fleet + ":6:1: unknown key `wave[1].colour`")) << run.err;
  EXPECT_TRUE(Contains(run.err, "the fleet file is invalid")) << run.err;
  const std::string empty = workspace_.Write("empty.toml", "soak = \"1s\"\n");
  const ProcessResult none = workspace_.Pgshift({"status", plan, "--fleet", empty});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.err, "`wave` is missing")) << none.err;
}

}  // namespace
}  // namespace pgshift::testing
