// Down migrations are rollbacks: judged against the schema their up migration left, their locks
// count on what existed before the up, and undoing what the up added is quiet.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

class RollbackLint : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-rollback-" + std::to_string(::getpid()) + "-" +
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
  // "file:line rule" for every finding of `lint --format json` on `args`.
  std::vector<std::string> Findings(std::vector<std::string> args) {
    args.insert(args.begin(), "lint");
    args.insert(args.end(), {"--format", "json"});
    const ProcessResult r = RunPgshift(args, {.cwd = dir_.string()});
    std::vector<std::string> out;
    const nlohmann::json report = nlohmann::json::parse(r.out);
    for (const auto& f : report["findings"]) {
      if (f["severity"] == "info") continue;
      out.push_back(fs::path(f["file"].get<std::string>()).filename().string() + ":" +
                    std::to_string(f["line"].get<int>()) + " " + f["rule"].get<std::string>());
    }
    return out;
  }
  fs::path dir_;
};

// What the second migration adds: a schema, a table, a column, an index, an enum type and a
// type change of a column that existed before it.
constexpr const char* kBefore =
    "CREATE TABLE users (id bigint PRIMARY KEY, email text, seen timestamp);\n";
constexpr const char* kUp =
    "SET lock_timeout = '2s';\n"
    "CREATE SCHEMA utils;\n"
    "CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);\n"
    "CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
    "ALTER TABLE users ADD COLUMN nick text;\n"
    "ALTER TABLE users ALTER COLUMN seen TYPE timestamptz;\n";
// Its rollback, without a lock_timeout: each statement undoes what the up added, but line 5
// rewrites users, which existed before, and line 6 drops a column the up did not add.
constexpr const char* kDown =
    "DROP SCHEMA utils CASCADE;\n"
    "DROP TABLE audit;\n"
    "DROP TYPE mood;\n"
    "ALTER TABLE users DROP COLUMN nick;\n"
    "ALTER TABLE users ALTER COLUMN seen TYPE timestamp;\n"
    "ALTER TABLE users DROP COLUMN email;\n";

TEST_F(RollbackLint, ADownFileIsQuietOnWhatItsUpAddedAndJudgesWhatExistedBefore) {
  Write("db/000001_users.up.sql", kBefore);
  Write("db/000002_more.up.sql", kUp);
  Write("db/000002_more.down.sql", kDown);
  // The first lock on a table that existed before the up is users' rewrite: lock_timeout is
  // missing there, not on the drops of what the up created; the type goes back to the one the
  // rolled-back-to version reads (no incompatible-type-change), but the rewrite is real.
  EXPECT_EQ(Findings({"db/000002_more.down.sql"}),
            (std::vector<std::string>{"000002_more.down.sql:4 missing-lock-timeout",
                                      "000002_more.down.sql:5 alter-column-type-rewrite",
                                      "000002_more.down.sql:6 drop-column"}));
  // Without the up migration nothing says what it added: the drops are reported.
  fs::remove(dir_ / "db/000002_more.up.sql");
  const std::vector<std::string> alone = Findings({"db/000002_more.down.sql"});
  for (const char* expected : {"000002_more.down.sql:1 drop-schema-cascade",
                               "000002_more.down.sql:2 drop-table",
                               "000002_more.down.sql:4 drop-column"}) {
    EXPECT_NE(std::find(alone.begin(), alone.end(), expected), alone.end()) << expected;
  }
}

TEST_F(RollbackLint, AGooseDownSectionIsQuietOnWhatItsUpSectionAdded) {
  Write("db/00001_users.sql", std::string("-- +goose Up\n") + kBefore);
  Write("db/00002_more.sql", std::string("-- +goose Up\n") + kUp + "-- +goose Down\n" + kDown);
  // The up section's type change is reported; the down section starts at line 9.
  EXPECT_EQ(Findings({"db/00002_more.sql"}),
            (std::vector<std::string>{"00002_more.sql:7 alter-column-type-rewrite",
                                      "00002_more.sql:7 incompatible-type-change",
                                      "00002_more.sql:12 missing-lock-timeout",
                                      "00002_more.sql:13 alter-column-type-rewrite",
                                      "00002_more.sql:14 drop-column"}));
}

TEST_F(RollbackLint, ADownFileRenamingAColumnBackIsQuiet) {
  Write("db/000001_users.up.sql", kBefore);
  Write("db/000002_rename.up.sql",
        "SET lock_timeout = '2s';\nALTER TABLE users RENAME COLUMN email TO mail;\n");
  // Back to the name the rolled-back-to version reads; the second rename is a new one.
  Write("db/000002_rename.down.sql",
        "SET lock_timeout = '2s';\nALTER TABLE users RENAME COLUMN mail TO email;\n"
        "ALTER TABLE users RENAME COLUMN seen TO seen_at;\n");
  EXPECT_EQ(Findings({"db"}), (std::vector<std::string>{"000002_rename.down.sql:3 rename-column",
                                                        "000002_rename.up.sql:2 rename-column"}));
}

TEST_F(RollbackLint, ADownFileWideningASerialKeyBackIsQuiet) {
  Write("db/000001_jobs.up.sql", "CREATE TABLE jobs (id serial PRIMARY KEY, name text);\n");
  Write("db/000002_bigint.up.sql",
        "SET lock_timeout = '2s';\nALTER TABLE jobs ALTER COLUMN id TYPE bigint;\n");
  // serial is an integer column: integer is the type the rolled-back-to version reads.
  Write("db/000002_bigint.down.sql",
        "SET lock_timeout = '2s';\nALTER TABLE jobs ALTER COLUMN id TYPE integer;\n");
  EXPECT_EQ(Findings({"db"}),
            (std::vector<std::string>{"000002_bigint.down.sql:2 alter-column-type-rewrite",
                                      "000002_bigint.up.sql:2 alter-column-type-rewrite"}));
}

TEST_F(RollbackLint, DropIfExistsOfWhatTheHistoryDroppedIsQuiet) {
  Write("db/000001_users.up.sql",
        std::string(kBefore) + "CREATE TABLE old_audit (id bigint);\n"
                               "CREATE INDEX users_email_idx ON users (email);\n");
  Write("db/000002_drop.up.sql",
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN email;\nDROP TABLE old_audit;\n");
  Write("db/000003_again.up.sql",
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN IF EXISTS email;\n"
        "DROP TABLE IF EXISTS old_audit;\nDROP INDEX IF EXISTS users_email_idx;\n");
  EXPECT_EQ(Findings({"db"}),
            (std::vector<std::string>{"000002_drop.up.sql:2 drop-column",
                                      "000002_drop.up.sql:3 drop-table",
                                      "000002_drop.up.sql:3 exclusive-lock-on-multiple-tables"}));
}

}  // namespace
}  // namespace pgshift::testing
