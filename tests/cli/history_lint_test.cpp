// Migration directories as histories, phase conventions and baselines, end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

class HistoryLint : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-history-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  std::string P(const std::string& name) { return (dir_ / name).string(); }
  ProcessResult Lint(std::vector<std::string> args) {
    args.insert(args.begin(), "lint");
    return RunPgshift(args, {.cwd = dir_.string()});
  }
  // The findings of a JSON report, without missing-lock-timeout: it reports once per file on
  // nearly every migration here, and lock hygiene is not what these tests are about.
  static nlohmann::json Findings(const ProcessResult& r) {
    nlohmann::json out = nlohmann::json::array();
    const nlohmann::json report = nlohmann::json::parse(r.out);
    for (const auto& finding : report["findings"]) {
      if (finding["rule"] != "missing-lock-timeout") out.push_back(finding);
    }
    return out;
  }
  static std::vector<std::string> Rules(const ProcessResult& r) {
    std::vector<std::string> rules;
    for (const auto& finding : Findings(r)) rules.push_back(finding["rule"]);
    return rules;
  }
  fs::path dir_;
};

constexpr const char* kPartitioned =
    "CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);\n";
constexpr const char* kConcurrentIndex =
    "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);\n";

TEST_F(HistoryLint, AFlywayFileIsJudgedAgainstTheFilesBeforeIt) {
  Write("db/V1__events.sql", kPartitioned);
  Write("db/V10__index.sql", kConcurrentIndex);
  Write("db/V9__unrelated.sql", "SELECT 1;\n");
  // Alone on the command line, the file still has its history.
  const ProcessResult r = Lint({"db/V10__index.sql", "--format", "json"});
  EXPECT_EQ(Rules(r), std::vector<std::string>{"concurrent-index-on-partitioned-table"}) << r.out;
  const ProcessResult verbose = Lint({"db/V10__index.sql", "-v"});
  EXPECT_NE(verbose.out.find("judged against 2 earlier migration(s)"), std::string::npos)
      << verbose.out;
  // Without history, nothing says events is partitioned.
  EXPECT_TRUE(Rules(Lint({"db/V10__index.sql", "--no-history", "--format", "json"})).empty());
  Write("pgshift.toml", "[history]\nreplay = false\n");
  EXPECT_TRUE(Rules(Lint({"db/V10__index.sql", "--format", "json"})).empty());
}

TEST_F(HistoryLint, StandardInputTakesThePlaceOfItsFileName) {
  Write("db/V1__events.sql", kPartitioned);
  Write("db/V2__index.sql", "SELECT 1;\n");  // on disk; the editor's buffer says otherwise
  const ProcessResult r = RunPgshift({"lint", "--stdin-filename", "db/V2__index.sql", "--format", "json", "-"},
                                     {.stdin_data = kConcurrentIndex, .cwd = dir_.string()});
  EXPECT_EQ(Rules(r), std::vector<std::string>{"concurrent-index-on-partitioned-table"}) << r.out;
  const ProcessResult nameless =
      RunPgshift({"lint", "--format", "json", "-"}, {.stdin_data = kConcurrentIndex, .cwd = dir_.string()});
  EXPECT_TRUE(Rules(nameless).empty()) << nameless.out;
}

TEST_F(HistoryLint, OrderIsTheToolsNotTheFileNames) {
  // Created in V2, indexed in V10: byte order would put V10 first and know nothing.
  Write("db/V2__events.sql", kPartitioned);
  Write("db/V10__index.sql", kConcurrentIndex);
  EXPECT_EQ(Rules(Lint({"db", "--format", "json"})),
            std::vector<std::string>{"concurrent-index-on-partitioned-table"});
  // Ordered by name as configured, V10 comes before V2 and is judged without it.
  Write("pgshift.toml", "[history]\norder = \"name\"\n");
  EXPECT_TRUE(Rules(Lint({"db", "--format", "json"})).empty());
}

TEST_F(HistoryLint, DieselFoldersWithDownFilesCheckedButNotReplayed) {
  Write("migrations/2019-02-26-002946_events/up.sql", kPartitioned);
  // Replayed after up.sql, this down file would leave a plain table behind.
  Write("migrations/2019-02-26-002946_events/down.sql",
        "DROP TABLE events;\nCREATE TABLE events (id bigint, at timestamptz);\n");
  Write("migrations/2019-03-01-000000_index/up.sql", kConcurrentIndex);
  Write("migrations/2019-03-01-000000_index/down.sql", "DROP INDEX events_at_idx;\n");
  const ProcessResult r = Lint({"migrations", "--format", "json"});
  const nlohmann::json report = nlohmann::json::parse(r.out);
  std::vector<std::string> findings;
  for (const auto& f : Findings(r)) {
    findings.push_back(fs::path(f["file"].get<std::string>()).parent_path().filename().string() +
                       "/" + fs::path(f["file"].get<std::string>()).filename().string() + " " +
                       f["rule"].get<std::string>() + ": " + f["lock"].get<std::string>());
  }
  // A down file is judged against the schema its up file left: the index's table is known.
  // Dropping the table its up file created is no contract change; diesel runs up.sql in a
  // transaction, where CONCURRENTLY fails.
  EXPECT_EQ(findings, (std::vector<std::string>{
                          "2019-03-01-000000_index/down.sql non-concurrent-index-drop: takes ACCESS "
                          "EXCLUSIVE on events, blocking reads and writes",
                          "2019-03-01-000000_index/up.sql concurrent-index-on-partitioned-table: "
                          "takes SHARE UPDATE EXCLUSIVE on events, blocking other schema changes and "
                          "VACUUM, not reads or writes; scans the table",
                          "2019-03-01-000000_index/up.sql concurrently-in-transaction: "}))
      << r.out;
  EXPECT_EQ(report["summary"]["files"], 4);
}

// Threads without a history of their own to check parse the next files of one being checked
// (workspace/parse_ahead.h): what is found must not depend on it, nor on how far ahead they got.
TEST_F(HistoryLint, ParsingAheadFindsWhatOneThreadFinds) {
  // A diesel history long enough to parse ahead in, with down files, syntax errors, psql
  // meta-commands, a body parsed as nested statements and a file too large to parse ahead.
  for (int i = 0; i < 120; ++i) {
    char folder[64];
    std::snprintf(folder, sizeof folder, "migrations/2020-01-01-%06d_m%d/", i, i);
    const std::string t = "t" + std::to_string(i % 17);
    std::string up = "CREATE TABLE IF NOT EXISTS " + t + " (id bigint, v text);\n";
    if (i % 3 == 0) up += "ALTER TABLE " + t + " ADD COLUMN c" + std::to_string(i) + " int NOT NULL;\n";
    if (i % 5 == 0) up += "CREATE INDEX ON " + t + " (v);\n";
    if (i % 7 == 0) up += "ALTER TABLE " + t + " ADD COLUMN ;\n";
    if (i % 11 == 0) up += "\\set x 1\nUPDATE " + t + " SET v = 'x';\n";
    if (i % 13 == 0) up += "DO $$ BEGIN ALTER TABLE " + t + " ALTER COLUMN v TYPE int; END $$;\n";
    if (i == 60) {
      for (int k = 0; k < 6000; ++k) up += "INSERT INTO " + t + " (id, v) VALUES (" + std::to_string(k) + ", 'a fairly long value for the row');\n";
    }
    Write(std::string(folder) + "up.sql", up);
    // Rollbacks judged against the history so far and against what their own up added.
    std::string down = "DROP TABLE " + t + ";\n";
    if (i % 3 == 0) down = "ALTER TABLE " + t + " DROP COLUMN c" + std::to_string(i) + ";\n";
    if (i % 4 == 0)
      down += "ALTER TABLE t" + std::to_string((i + 1) % 17) + " ALTER COLUMN v TYPE int;\n";
    if (i % 2 == 0) Write(std::string(folder) + "down.sql", down);
  }
  // Another history, in dbmate's files of up and down sections.
  for (int i = 0; i < 30; ++i) {
    Write("dbmate/2024010100" + std::to_string(1000 + i) + "_m.sql",
          "-- migrate:up\nCREATE TABLE IF NOT EXISTS d (id int);\nALTER TABLE d ADD COLUMN c" +
              std::to_string(i) + " int DEFAULT random();\n-- migrate:down\nALTER TABLE d DROP COLUMN c" +
              std::to_string(i) + ";\n");
  }
  ASSERT_GT(fs::file_size(P("migrations/2020-01-01-000060_m60/up.sql")), 256u << 10);
  const auto same = [&](std::vector<std::string> args) {
    std::vector<std::string> one = args;
    one.insert(one.end(), {"-j", "1"});
    const ProcessResult alone = Lint(one);
    ASSERT_FALSE(alone.out.empty());
    for (const char* jobs : {"2", "3"}) {
      std::vector<std::string> more = args;
      more.insert(more.end(), {"-j", jobs});
      for (int run = 0; run < 3; ++run) {
        const ProcessResult ahead = Lint(more);
        EXPECT_EQ(ahead.out, alone.out) << "-j " << jobs;
        EXPECT_EQ(ahead.err, alone.err) << "-j " << jobs;
        EXPECT_EQ(ahead.exit_code, alone.exit_code) << "-j " << jobs;
      }
    }
  };
  same({"migrations", "dbmate", "--format", "json"});
  same({"migrations", "--format", "text", "--color", "never", "--verbose"});
  same({"dbmate", "migrations", "--format", "text", "--color", "never", "--verbose"});
  // One file checked, the files before it only replayed.
  same({"migrations/2020-01-01-000119_m119/up.sql", "--format", "json"});
  same({"migrations/2020-01-01-000118_m118/down.sql", "--format", "text", "--verbose"});
  same({"dbmate", "--format", "json"});
  const ProcessResult r = Lint({"migrations", "dbmate", "--format", "json"});
  EXPECT_FALSE(Rules(r).empty());
}

// Which repository holds the inputs is asked of git while the jobs are planned: once for
// histories outside any repository, and never when no upgrade is inferred.
TEST_F(HistoryLint, AsksGitOnlyWhenUpgradesAreInferredAndOnceForOneFolder) {
  for (const char* history : {"a", "b"}) {
    for (int i = 1; i <= 3; ++i) {
      Write(std::string(history) + "/V" + std::to_string(i) + "__m.sql",
            "CREATE TABLE IF NOT EXISTS t" + std::to_string(i) + " (id int);\n");
    }
  }
  // A git that notes each time it runs, then runs the real one.
  const std::string real = RunProcess({"sh", "-c", "command -v git"}).out;
  ASSERT_FALSE(real.empty()) << "git is needed";
  const fs::path log = dir_ / "git.log";
  Write("bin/git", "#!/bin/sh\necho \"$*\" >> '" + log.string() + "'\nexec " +
                       real.substr(0, real.find('\n')) + " \"$@\"\n");
  fs::permissions(P("bin/git"), fs::perms::owner_all);
  const std::string path = P("bin") + ":" + std::getenv("PATH");
  const auto git_runs = [&](std::vector<std::string> args) {
    fs::remove(log);
    args.insert(args.begin(), "lint");
    const ProcessResult r = RunPgshift(args, {.env = {{"PATH", path}}, .cwd = dir_.string()});
    EXPECT_LE(r.exit_code, 1) << r.err;  // clean or findings, not a usage or configuration error
    std::ifstream in(log);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  };
  EXPECT_EQ(git_runs({"a", "b", "--format", "json"}), 1u);
  EXPECT_EQ(git_runs({"a/V3__m.sql", "--format", "json"}), 1u);
  EXPECT_EQ(git_runs({"a", "b", "--no-history", "--format", "json"}), 0u);
  Write("pgshift.toml", "[history]\nupgrades = \"off\"\n");
  EXPECT_EQ(git_runs({"a", "b", "--format", "json"}), 0u);
}

// Many histories are planned side by side (their folders listed, their tools recognised): the
// jobs, the notes naming each history's tool and the files left out of a history must come in
// the order one thread gives them.
TEST_F(HistoryLint, PlanningSideBySideKeepsTheOrderOfOneThread) {
  std::vector<std::string> args;
  for (int h = 0; h < 12; ++h) {
    const std::string n = std::to_string(h);
    if (h % 3 == 0) {
      Write("h" + n + "/V1__a.sql", "CREATE TABLE a" + n + " (id int);\n");
      Write("h" + n + "/V2__b.sql", "CREATE INDEX ON a" + n + " (id);\n");
      Write("h" + n + "/notes.sql", "SELECT 1;\n");
      args.push_back("h" + n + "/notes.sql");  // not named as a migration: checked on its own
    } else if (h % 3 == 1) {
      Write("h" + n + "/20240101000000_a.sql", "-- migrate:up\nCREATE TABLE d" + n +
                                                   " (id int);\n-- migrate:down\nDROP TABLE d" + n +
                                                   ";\n");
      Write("h" + n + "/20240102000000_b.sql",
            "-- migrate:up\nALTER TABLE d" + n + " ADD COLUMN c int NOT NULL;\n");
    } else {
      Write("h" + n + "/2020-01-01-000000_m/up.sql", "CREATE TABLE m" + n + " (id int);\n");
      Write("h" + n + "/2020-01-01-000000_m/down.sql", "DROP TABLE m" + n + ";\n");
      Write("h" + n + "/2020-01-02-000000_n/up.sql", "CREATE INDEX ON m" + n + " (id);\n");
    }
    args.insert(args.begin(), "h" + n);  // given last to first
  }
  for (const std::vector<std::string>& format :
       {std::vector<std::string>{"--format", "text", "--color", "never", "--verbose"},
        std::vector<std::string>{"--format", "json", "--verbose"}}) {
    std::vector<std::string> one = args;
    one.insert(one.end(), format.begin(), format.end());
    one.insert(one.end(), {"-j", "1"});
    const ProcessResult alone = Lint(one);
    // Each history's tool is named, in the order of the histories' folders.
    std::size_t at = 0;
    for (int h : {0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9}) {
      const char* tool = h % 3 == 0 ? "flyway (" : h % 3 == 1 ? "dbmate (" : "diesel (";
      const std::size_t found = alone.err.find(P("h" + std::to_string(h)) + ": " + tool, at);
      ASSERT_NE(found, std::string::npos) << "h" << h << "\n" << alone.err;
      at = found + 1;
    }
    if (format[1] == "text") {
      EXPECT_NE(alone.out.find("notes.sql: not part of the history"), std::string::npos)
          << alone.out;
    }
    for (const char* jobs : {"2", "4"}) {
      std::vector<std::string> more = args;
      more.insert(more.end(), format.begin(), format.end());
      more.insert(more.end(), {"-j", jobs});
      const ProcessResult side_by_side = Lint(more);
      EXPECT_EQ(side_by_side.out, alone.out) << "-j " << jobs;
      EXPECT_EQ(side_by_side.err, alone.err) << "-j " << jobs;
      EXPECT_EQ(side_by_side.exit_code, alone.exit_code) << "-j " << jobs;
    }
  }
}

TEST_F(HistoryLint, PrismaFolders) {
  Write("prisma/migrations/20230404095503_init/migration.sql", kPartitioned);
  Write("prisma/migrations/20230505085625_index/migration.sql", kConcurrentIndex);
  Write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
  EXPECT_EQ(
      Rules(Lint({"prisma/migrations/20230505085625_index/migration.sql", "--format", "json"})),
      std::vector<std::string>{"concurrent-index-on-partitioned-table"});
}

TEST_F(HistoryLint, UpDownPairsAndDownSectionsInOneFile) {
  // golang-migrate pairs.
  Write("gm/000001_events.up.sql", kPartitioned);
  Write("gm/000001_events.down.sql", "DROP TABLE events;\n");
  Write("gm/000002_index.up.sql", kConcurrentIndex);
  EXPECT_EQ(Rules(Lint({"gm/000002_index.up.sql", "--format", "json"})),
            std::vector<std::string>{"concurrent-index-on-partitioned-table"});
  // dbmate: the down section is checked against what the up section leaves, never replayed.
  Write("dbmate/20240101000000_events.sql",
        std::string("-- migrate:up\n") + kPartitioned + "\n-- migrate:down\nDROP TABLE events;\n");
  Write("dbmate/20240102000000_index.sql", std::string("-- migrate:up\n") + kConcurrentIndex +
                                               "\n-- migrate:down\nDROP INDEX events_at_idx;\n");
  const ProcessResult r = Lint({"dbmate", "--format", "json"});
  // Dropping the table its up section created is no contract change; dbmate runs each file in
  // a transaction, where CONCURRENTLY fails.
  EXPECT_EQ(Rules(r), (std::vector<std::string>{"concurrent-index-on-partitioned-table",
                                                "concurrently-in-transaction",
                                                "non-concurrent-index-drop"}))
      << r.out;
  const nlohmann::json findings = Findings(r);
  EXPECT_EQ(findings[0]["line"], 2);
  EXPECT_EQ(findings[2]["line"], 5);
  EXPECT_NE(findings[2]["lock"].get<std::string>().find("on events"), std::string::npos);
}

TEST_F(HistoryLint, ConfiguredRootsHoldSubfolders) {
  Write("pgshift.toml", "[history]\nroots = [\"db/migration\"]\nexclude = [\"**/seed*.sql\"]\n");
  Write("db/migration/v1/V1__events.sql", kPartitioned);
  Write("db/migration/v2/V2__index.sql", kConcurrentIndex);
  Write("db/migration/v1/seed.sql", "DROP TABLE events;\n");
  EXPECT_EQ(Rules(Lint({"db/migration/v2/V2__index.sql", "--format", "json"})),
            std::vector<std::string>{"concurrent-index-on-partitioned-table"});
}

TEST_F(HistoryLint, PhasesFromMarkersAndDirectoryConventions) {
  const std::string drop = "ALTER TABLE users DROP COLUMN legacy_flag;\n";
  Write("db/expand/V1__a.sql", drop);
  Write("db/contract/V2__b.sql", drop);
  Write("db/other/V3__c.sql", "-- pgshift: phase=contract\n" + drop);
  Write("db/marked/V4__d.sql", "-- pgshift: phase=expand\n" + drop);
  Write("pgshift.toml", "[phases]\ncontract = [\"db/contract/**\"]\n");
  const ProcessResult r = Lint({"db", "--format", "json", "--no-history"});
  std::vector<std::string> files;
  for (const auto& f : Findings(r))
    files.push_back(fs::path(f["file"].get<std::string>()).filename());
  EXPECT_EQ(files, (std::vector<std::string>{"V1__a.sql", "V4__d.sql"})) << r.out;
  // A marker overrides the directory convention.
  Write("db/contract/V2__b.sql", "-- pgshift: phase=expand\n" + drop);
  EXPECT_EQ(Rules(Lint({"db/contract/V2__b.sql", "--format", "json"})),
            std::vector<std::string>{"drop-column"});
}

TEST_F(HistoryLint, BaselineAcceptsTodaysFindingsAndReportsOnlyNewOnes) {
  Write("db/V1__a.sql", "CREATE INDEX a_idx ON a (x);\nALTER TABLE a DROP COLUMN y;\n");
  Write("db/V2__b.sql", "DROP TABLE b;\n");
  const ProcessResult written = RunPgshift({"baseline", "db"}, {.cwd = dir_.string()});
  EXPECT_EQ(written.exit_code, 0) << written.err;
  // Three findings, and one missing-lock-timeout per file.
  EXPECT_NE(written.out.find("Wrote 5 accepted finding(s) in 2 file(s) to pgshift-baseline.json"),
            std::string::npos)
      << written.out;
  std::ifstream in(dir_ / "pgshift-baseline.json");
  const nlohmann::json baseline = nlohmann::json::parse(in);
  EXPECT_EQ(baseline["pgshift_baseline"], 1);
  EXPECT_EQ(baseline["findings"][0]["file"], "db/V1__a.sql");

  const ProcessResult clean = Lint({"db", "--baseline", "pgshift-baseline.json", "-v"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_NE(clean.err.find("5 accepted finding(s) not shown"), std::string::npos) << clean.err;

  // Lines added above, comments and reformatting do not make a finding new...
  Write("db/V1__a.sql",
        "-- indexes\nSELECT 1;\n\nCREATE INDEX a_idx\n  ON a (x);\n-- and a drop\nALTER TABLE a "
        "DROP COLUMN y;\n");
  EXPECT_EQ(Lint({"db", "--baseline", "pgshift-baseline.json"}).exit_code, 0);
  // ...while a new finding, or a changed statement, is reported.
  Write("db/V3__c.sql", "DROP TABLE c;\n");
  Write("db/V2__b.sql", "DROP TABLE b2;\n");
  const ProcessResult fresh =
      Lint({"db", "--baseline", "pgshift-baseline.json", "--format", "json"});
  EXPECT_EQ(fresh.exit_code, 1);
  const nlohmann::json findings = Findings(fresh);
  ASSERT_EQ(findings.size(), 2u) << fresh.out;
  EXPECT_NE(findings[0]["message"].get<std::string>().find("b2"), std::string::npos);
  EXPECT_NE(findings[1]["message"].get<std::string>().find("c"), std::string::npos);

  // The same accepted statement twice hides only one of its findings.
  Write("db/V2__b.sql", "DROP TABLE b;\nDROP TABLE b;\n");
  EXPECT_EQ(
      Rules(Lint({"db/V2__b.sql", "--baseline", "pgshift-baseline.json", "--format", "json"})),
      std::vector<std::string>{"drop-table"});
}

TEST_F(HistoryLint, PgshiftTomlNamesTheBaselineSoLintNeedsNoArgument) {
  Write("db/V1__a.sql", "DROP TABLE a;\n");
  ASSERT_EQ(RunPgshift({"baseline", "db", "-o", "db/accepted.json"}, {.cwd = dir_.string()}).exit_code, 0);
  EXPECT_EQ(Lint({"db"}).exit_code, 1);  // no configuration yet: the finding is reported
  // Relative to the pgshift.toml, whatever the working directory.
  Write("db/pgshift.toml", "baseline = \"accepted.json\"\n");
  const ProcessResult clean = Lint({"db", "-v"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_NE(clean.err.find("db/accepted.json: 2 accepted finding(s) not shown"),
            std::string::npos)
      << clean.err;
  Write("db/V2__b.sql", "DROP TABLE b;\n");
  EXPECT_EQ(Rules(Lint({"db", "--format", "json"})), std::vector<std::string>{"drop-table"});
  // A missing baseline named by the configuration is a usage error, like --baseline's.
  Write("db/pgshift.toml", "baseline = \"gone.json\"\n");
  EXPECT_EQ(Lint({"db"}).exit_code, 2);
}

TEST_F(HistoryLint, BadBaselineFilesAreUsageErrors) {
  const std::string sql = Write("a.sql", "SELECT 1;\n");
  EXPECT_EQ(Lint({sql, "--baseline", "missing.json"}).exit_code, 2);
  Write("bad.json", "{\n  \"pgshift_baseline\": 1,\n  \"findings\": [ oops ]\n}\n");
  const ProcessResult bad = Lint({sql, "--baseline", "bad.json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.json:3:"), std::string::npos) << bad.err;
  Write("other.json", "{\"findings\": []}");
  EXPECT_NE(Lint({sql, "--baseline", "other.json"}).err.find("not a pgshift baseline"),
            std::string::npos);
}

TEST_F(HistoryLint, HelpOfTheNewFlagsAndCommand) {
  const ProcessResult lint = RunPgshift({"lint", "--help"});
  for (const char* flag :
       {"--release", "--changed-files", "--changed-since", "--baseline", "--no-history"}) {
    EXPECT_NE(lint.out.find(flag), std::string::npos) << flag;
  }
  const ProcessResult baseline = RunPgshift({"baseline", "--help"});
  EXPECT_EQ(baseline.exit_code, 0);
  EXPECT_NE(baseline.out.find("fingerprint"), std::string::npos) << baseline.out;
}

}  // namespace
}  // namespace pgshift::testing
