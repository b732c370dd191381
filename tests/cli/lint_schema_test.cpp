// End to end: `pgshift lint --schema` with a snapshot file, `[lint] small_table_rows`, and the
// errors a bad snapshot gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSnapshot = R"json({
  "format": 1,
  "source": "postgresql://app:***@db/app",
  "tables": [
    {"schema": "public", "name": "countries", "rows": 40, "bytes": 8192,
     "columns": [{"name": "code", "type": "character varying(2)", "not_null": true},
                 {"name": "name", "type": "character varying(50)"}]},
    {"schema": "public", "name": "events", "rows": 2500000, "bytes": 400000000,
     "columns": [{"name": "id", "type": "bigint", "not_null": true}]}
  ]
})json";

class LintSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-schema-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  fs::path dir_;
};

TEST_F(LintSchema, SmallTableLocksAreNotesAndWideningIsQuiet) {
  const std::string snapshot = Write("schema.json", kSnapshot);
  const std::string migration =
      Write("0001.sql",
            "SET lock_timeout = '2s';\n"
            "CREATE INDEX countries_name_idx ON countries (name);\n"
            "ALTER TABLE countries ALTER COLUMN name TYPE text;\n");
  const ProcessResult without = RunPgshift({"lint", "--no-history", migration});
  EXPECT_EQ(without.exit_code, 1) << without.out << without.err;
  EXPECT_NE(without.out.find("alter-column-type-rewrite"), std::string::npos) << without.out;

  const ProcessResult with = RunPgshift({"lint", "--no-history", "--schema", snapshot, migration});
  EXPECT_EQ(with.exit_code, 0) << with.out << with.err;
  EXPECT_NE(with.out.find("countries ~40 rows"), std::string::npos) << with.out;
  EXPECT_EQ(with.out.find("alter-column-type-rewrite"), std::string::npos) << with.out;

  // The same index on the large table is still an error.
  const std::string large = Write("0002.sql",
                                  "SET lock_timeout = '2s';\n"
                                  "CREATE INDEX events_id_idx ON events (id);\n");
  EXPECT_EQ(RunPgshift({"lint", "--no-history", "--schema", snapshot, large}).exit_code, 1);
}

TEST_F(LintSchema, TheSnapshotStandsForTheMigrationsBeforeTheLintedOnes) {
  const std::string snapshot = Write("schema.json", kSnapshot);
  // The history says varchar(60); the database, changed outside the migrations, varchar(50).
  Write("0001_countries.sql", "CREATE TABLE countries (code char(2), name varchar(60));\n");
  const std::string shrink = Write("0002_shrink.sql",
                                   "SET lock_timeout = '2s';\n"
                                   "ALTER TABLE countries ALTER COLUMN name TYPE varchar(55);\n");
  // By the history 60 -> 55 narrows (a rewrite); by the database 50 -> 55 widens (quiet).
  const ProcessResult history = RunPgshift({"lint", shrink});
  EXPECT_NE(history.out.find("alter-column-type-rewrite"), std::string::npos) << history.out;
  const ProcessResult with = RunPgshift({"lint", "--schema", snapshot, "-v", shrink});
  EXPECT_EQ(with.out.find("alter-column-type-rewrite"), std::string::npos) << with.out;
  EXPECT_NE(with.out.find("judged against the schema snapshot"), std::string::npos) << with.out;

  // Linted files are replayed onto the snapshot in order: a column type one sets is known to
  // the next, though the snapshot has no such table.
  const std::string create = Write("0003_create.sql",
                                   "CREATE TABLE audit (id bigint, note varchar(10));\n");
  const std::string widen = Write("0004_widen.sql",
                                  "SET lock_timeout = '2s';\n"
                                  "ALTER TABLE audit ALTER COLUMN note TYPE varchar(20);\n");
  const ProcessResult alone = RunPgshift({"lint", "--schema", snapshot, widen});
  EXPECT_NE(alone.out.find("alter-column-type-rewrite"), std::string::npos) << alone.out;
  const ProcessResult both = RunPgshift({"lint", "--schema", snapshot, create, widen});
  EXPECT_EQ(both.exit_code, 0) << both.out << both.err;
}

TEST_F(LintSchema, TheThresholdIsConfigurable) {
  const std::string snapshot = Write("schema.json", kSnapshot);
  const std::string migration = Write("0001.sql",
                                      "SET lock_timeout = '2s';\n"
                                      "CREATE INDEX countries_name_idx ON countries (name);\n");
  Write("pgshift.toml", "[lint]\nsmall_table_rows = 10\n");
  const ProcessResult strict = RunPgshift({"lint", "--schema", snapshot, migration});
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;

  Write("pgshift.toml", "[lint]\nsmall_table_rows = -1\n");
  const ProcessResult bad = RunPgshift({"lint", "--schema", snapshot, migration});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("pgshift.toml:2:20: `lint.small_table_rows` must be a whole number"),
            std::string::npos)
      << bad.err;
}

TEST_F(LintSchema, ABadSnapshotIsAUsageErrorNamingFileAndKey) {
  const std::string migration = Write("0001.sql", "SELECT 1;\n");
  const std::string snapshot =
      Write("schema.json", R"({"format": 1, "tables": [{"schema": "public", "name": "t",
                               "columns": [{"name": "a", "type": null}]}]})");
  const ProcessResult r = RunPgshift({"lint", "--schema", snapshot, migration});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(snapshot + ": /tables/0/columns/0/type: must be a string"),
            std::string::npos)
      << r.err;
  const ProcessResult missing =
      RunPgshift({"lint", "--schema", (dir_ / "none.json").string(), migration});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.json: cannot read the schema snapshot"), std::string::npos)
      << missing.err;
}

TEST_F(LintSchema, SnapshotHelpSaysWhatItRecords) {
  const ProcessResult help = RunPgshift({"snapshot", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--db"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("password hidden"), std::string::npos) << help.out;
  const ProcessResult none = RunPgshift({"snapshot"});
  EXPECT_EQ(none.exit_code, 2) << none.out << none.err;
}

}  // namespace
}  // namespace pgshift::testing
