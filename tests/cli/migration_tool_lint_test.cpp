// `pgshift lint` on histories of each migration tool, end to end: which tool it recognised and
// why (-v), `[history] tool` in pgshift.toml, --fix never writing CONCURRENTLY into a file the
// tool runs in a transaction, and down migrations checked as rollbacks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

std::string ToolFixture(const std::string& tool) {
  return std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/tools/" + tool;
}

// Rule ids of a JSON report with file:line, without missing-lock-timeout (it reports on nearly
// every migration here, and lock hygiene is not what these tests are about).
std::vector<std::string> Findings(const ProcessResult& r) {
  std::vector<std::string> out;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& f : report["findings"]) {
    if (f["rule"] == "missing-lock-timeout") continue;
    out.push_back(f["file"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()) + " " +
                  f["rule"].get<std::string>());
  }
  return out;
}

struct Fixture {
  std::string tool;
  std::string root;
  std::string why;  // part of what -v says
};

TEST(MigrationToolLint, VerboseNamesTheToolAndWhyAndItsFilesLintAsItRunsThem) {
  const std::vector<Fixture> fixtures = {
      {"flyway", "db/migration", "files named `V<version>__<description>.sql`"},
      {"golang-migrate", "migrations", "`<version>_<title>.up.sql`"},
      {"goose", "db/migrations", "`-- +goose Up`"},
      {"dbmate", "db/migrations", "`-- migrate:up`"},
      {"sqlx", "migrations", "Cargo.toml names sqlx"},
      {"diesel", "migrations", "holding up.sql"},
      {"sqitch", ".", "sqitch.plan"},
      {"prisma", "prisma/migrations", "migration_lock.toml"},
      {"atlas", "migrations", "atlas.sum"},
      {"graphile-migrate", "migrations", "`--! Previous:` headers"},
      {"node-pg-migrate", "migrations", "`-- Up Migration`"},
  };
  for (const Fixture& f : fixtures) {
    const std::string dir = ToolFixture(f.tool);
    const ProcessResult verbose = RunPgshift({"lint", f.root, "-v"}, {.cwd = dir});
    const std::string said = verbose.out + verbose.err;
    const std::string root = f.root == "." ? dir : dir + "/" + f.root;
    EXPECT_NE(said.find(root + ": " + f.tool + " ("), std::string::npos) << f.tool << "\n" << said;
    EXPECT_NE(said.find(f.why), std::string::npos) << f.tool << "\n" << said;
    // Each fixture opts its CONCURRENTLY file out of the tool's transaction where the tool has a
    // way to, and its down migrations only undo what their up migrations added: quiet. A .sql
    // migration of node-pg-migrate cannot opt out.
    const ProcessResult r = RunPgshift({"lint", f.root, "--format", "json"}, {.cwd = dir});
    if (f.tool == "node-pg-migrate") {
      EXPECT_EQ(Findings(r), (std::vector<std::string>{
                                 "migrations/1700000000002_index.sql:2 concurrently-in-transaction",
                                 "migrations/1700000000002_index.sql:5 concurrently-in-transaction"}))
          << r.out;
    } else {
      EXPECT_TRUE(Findings(r).empty()) << f.tool << "\n" << r.out;
    }
  }
}

class MigrationToolRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-tool-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  ProcessResult Lint(std::vector<std::string> args) {
    args.insert(args.begin(), "lint");
    return RunPgshift(args, {.cwd = dir_.string()});
  }
  std::string Root() { return fs::canonical(dir_).string() + "/db"; }
  fs::path dir_;
};

constexpr const char* kEvents = "CREATE TABLE events (id bigint, at timestamptz);\n";
constexpr const char* kIndex = "CREATE INDEX events_at_idx ON events (at);\n";

TEST_F(MigrationToolRepo, PgshiftTomlNamesTheTool) {
  Write("db/001_events.sql", kEvents);
  Write("db/002_index.sql", "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);\n");
  ProcessResult r = Lint({"db", "-v"});
  EXPECT_NE(r.err.find(Root() + ": no migration tool ("), std::string::npos) << r.err;
  EXPECT_TRUE(Findings(Lint({"db", "--format", "json"})).empty());
  // Named in pgshift.toml, dbmate runs each file in a transaction, where CONCURRENTLY fails.
  Write("pgshift.toml", "[history]\ntool = \"dbmate\"\n");
  r = Lint({"db", "-v"});
  EXPECT_NE(r.err.find(Root() + ": dbmate (`tool = \"dbmate\"` in pgshift.toml)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Findings(Lint({"db", "--format", "json"})),
            std::vector<std::string>{"db/002_index.sql:1 concurrently-in-transaction"});
  // A recognised tool set aside.
  Write("db/003_more.sql", "-- migrate:up\nSELECT 1;\n");
  Write("pgshift.toml", "[history]\ntool = \"none\"\n");
  r = Lint({"db", "-v"});
  EXPECT_NE(r.err.find(Root() + ": no migration tool (`tool = \"none\"` in pgshift.toml)"),
            std::string::npos)
      << r.err;
  // An unknown tool is a configuration error naming the file, line and key.
  Write("pgshift.toml", "[history]\ntool = \"liquibase\"\n");
  r = Lint({"db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("pgshift.toml:2:8: `history.tool` must name a migration tool: atlas, "),
            std::string::npos)
      << r.err;
}

TEST_F(MigrationToolRepo, TransactionsInPgshiftTomlOrOnTheCommandLineWinOverTheTool) {
  Write("db/00001_events.sql", std::string("-- +goose Up\n") + kEvents);
  Write("db/00002_index.sql",
        "-- +goose Up\nCREATE INDEX CONCURRENTLY events_at_idx ON events (at);\n");
  EXPECT_EQ(Findings(Lint({"db", "--format", "json"})),
            std::vector<std::string>{"db/00002_index.sql:2 concurrently-in-transaction"});
  // The team runs goose with its transactions turned off some other way.
  EXPECT_TRUE(Findings(Lint({"db", "--format", "json", "--transactions", "none"})).empty());
  Write("pgshift.toml", "transactions = \"none\"\n");
  EXPECT_TRUE(Findings(Lint({"db", "--format", "json"})).empty());
}

TEST_F(MigrationToolRepo, FixNeverWritesConcurrentlyIntoAFileTheToolRunsInATransaction) {
  Write("db/00001_events.sql", std::string("-- +goose Up\n") + kEvents);
  const std::string wrapped = std::string("-- +goose Up\n") + kIndex;
  Write("db/00002_index.sql", wrapped);
  ProcessResult r = Lint({"db", "--fix", "--format", "json"});
  EXPECT_EQ(Read("db/00002_index.sql"), wrapped);
  const auto report = nlohmann::json::parse(r.out);
  bool told = false;
  for (const auto& f : report["findings"]) {
    if (f["rule"] != "non-concurrent-index-creation") continue;
    EXPECT_TRUE(f["fix"].empty()) << f.dump();
    // The finding says how to opt this file out, in goose's words.
    told = f["help"].get<std::string>().find("`-- +goose NO TRANSACTION`") != std::string::npos;
  }
  EXPECT_TRUE(told) << r.out;
  // Opted out, the file runs statement by statement, and --fix builds the index concurrently.
  Write("db/00002_index.sql", std::string("-- +goose NO TRANSACTION\n") + wrapped);
  Lint({"db", "--fix"});
  EXPECT_NE(Read("db/00002_index.sql").find("CREATE INDEX CONCURRENTLY events_at_idx"),
            std::string::npos)
      << Read("db/00002_index.sql");
}

TEST_F(MigrationToolRepo, FixWritesConcurrentlyWhereFlywayThenRunsTheScriptOutsideATransaction) {
  fs::copy(ToolFixture("flyway"), dir_, fs::copy_options::recursive);
  // Only index builds and drops: with CONCURRENTLY on each, Flyway runs the script outside a
  // transaction by itself, so --fix writes it.
  const std::string indexes =
      "CREATE INDEX events_kind_idx ON events (kind);\nDROP INDEX events_at_idx;\n";
  Write("db/migration/V11__indexes.sql", indexes);
  // Mixed with other statements: Flyway would run it in a transaction (or refuse it).
  const std::string mixed =
      "CREATE INDEX events_source_idx ON events (source);\nALTER TABLE events ADD COLUMN x int;\n";
  Write("db/migration/V12__mixed.sql", mixed);
  const ProcessResult r = Lint({"db/migration", "--fix", "--format", "json"});
  EXPECT_EQ(Read("db/migration/V11__indexes.sql"),
            "CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);\n"
            "DROP INDEX CONCURRENTLY events_at_idx;\n")
      << r.out << r.err;
  EXPECT_EQ(Read("db/migration/V12__mixed.sql"), mixed);
  // The report is of the files as rewritten: V11 is clean, and V12 says how to opt out.
  bool told = false;
  const nlohmann::json fixed = nlohmann::json::parse(r.out);
  for (const auto& f : fixed["findings"]) {
    EXPECT_NE(f["file"], "db/migration/V11__indexes.sql") << f.dump();
    if (f["file"] == "db/migration/V12__mixed.sql" &&
        f["rule"] == "non-concurrent-index-creation") {
      EXPECT_TRUE(f["fix"].empty()) << f.dump();
      told = f["help"].get<std::string>().find(
                 "V12__mixed.sql.conf beside this one holding `executeInTransaction=false`") !=
             std::string::npos;
    }
  }
  EXPECT_TRUE(told) << r.out;
  // Before the rewrite, the finding says why the fix is exact.
  Write("db/migration/V11__indexes.sql", indexes);
  const ProcessResult before = Lint({"db/migration", "--format", "json"});
  bool said = false;
  const nlohmann::json unfixed = nlohmann::json::parse(before.out);
  for (const auto& f : unfixed["findings"]) {
    if (f["file"] != "db/migration/V11__indexes.sql" || f["rule"] == "missing-lock-timeout") {
      continue;
    }
    EXPECT_FALSE(f["fix"].empty()) << f.dump();
    said = f["help"].get<std::string>().find(
               "runs a script whose every statement is a concurrent index build or drop outside "
               "a transaction") != std::string::npos;
  }
  EXPECT_TRUE(said) << before.out;
}

TEST_F(MigrationToolRepo, TheOptOutHintIsEachToolsOwn) {
  // One statement that needs CONCURRENTLY per tool, in a file the tool runs in a transaction.
  const std::vector<std::pair<std::string, std::string>> tools = {
      {"flyway", "executeInTransaction=false"},
      {"dbmate", "-- migrate:up transaction:false"},
      {"sqlx", "-- no-transaction"},
      {"diesel", "run_in_transaction = false"},
      {"atlas", "-- atlas:txmode none"},
      {"graphile-migrate", "--! no-transaction"},
  };
  Write("db/1_events.sql", kEvents);
  Write("db/2_index.sql", kIndex);
  for (const auto& [tool, marker] : tools) {
    Write("pgshift.toml", "[history]\ntool = \"" + tool + "\"\n");
    const ProcessResult r = Lint({"db/2_index.sql", "--format", "json", "--no-history"});
    bool told = false;
    const nlohmann::json report = nlohmann::json::parse(r.out);
    for (const auto& f : report["findings"]) {
      if (f["rule"] == "non-concurrent-index-creation") {
        told = f["help"].get<std::string>().find(marker) != std::string::npos;
      }
    }
    EXPECT_TRUE(told) << tool << "\n" << r.out;
  }
}

TEST_F(MigrationToolRepo, DownMigrationsAreCheckedForLocksButNeverReplayed) {
  // goose: the Down section drops the partitioned table and leaves a plain one. Replayed, it
  // would hide that the next migration indexes a partitioned table.
  Write("db/00001_events.sql",
        "-- +goose Up\nCREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);\n"
        "CREATE TABLE accounts (id bigint, email text);\n"
        "-- +goose Down\nDROP TABLE events;\nCREATE TABLE events (id bigint, at timestamptz);\n"
        "ALTER TABLE accounts DROP COLUMN email;\n");
  Write("db/00002_index.sql",
        "-- +goose NO TRANSACTION\n-- +goose Up\n"
        "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);\n"
        "-- +goose Down\nDROP INDEX events_at_idx;\n");
  const ProcessResult r = Lint({"db", "--format", "json"});
  // The rollbacks' locks are checked on what existed before their Up: the index is dropped
  // without CONCURRENTLY from events, which the first migration created. The first Down
  // section only touches tables its own Up created: no lock or contract change to report.
  EXPECT_EQ(Findings(r), (std::vector<std::string>{
                             "db/00002_index.sql:3 concurrent-index-on-partitioned-table",
                             "db/00002_index.sql:5 non-concurrent-index-drop"}))
      << r.out;
  const ProcessResult verbose = Lint({"db", "-v"});
  EXPECT_NE(verbose.out.find("db/00001_events.sql:4: down section: checked, not replayed"),
            std::string::npos)
      << verbose.out;
}

TEST_F(MigrationToolRepo, ADownFileDroppingWhatItsUpDidNotAddIsAContractChange) {
  Write("db/000001_accounts.up.sql", "CREATE TABLE accounts (id bigint, email text);\n");
  Write("db/000002_nickname.up.sql", "ALTER TABLE accounts ADD COLUMN nickname text;\n");
  Write("db/000002_nickname.down.sql",
        "ALTER TABLE accounts DROP COLUMN nickname;\nALTER TABLE accounts DROP COLUMN email;\n");
  const ProcessResult r = Lint({"db", "--format", "json"});
  EXPECT_EQ(Findings(r), std::vector<std::string>{"db/000002_nickname.down.sql:2 drop-column"})
      << r.out;
}

}  // namespace
}  // namespace pgshift::testing
