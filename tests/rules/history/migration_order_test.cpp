#include "rules/history/migration_order.h"

#include <gtest/gtest.h>

#include <string>

namespace pgshift::rules {
namespace {

std::vector<std::string> Order(const std::vector<std::string>& paths,
                               MigrationOrderStyle style = MigrationOrderStyle::kAuto) {
  return OrderMigrations(paths, style).files;
}

TEST(MigrationOrder, TimestampsAndSequenceNumbers) {
  EXPECT_EQ(Order({"m/20240102000000_b.sql", "m/20231231235959_a.sql"}),
            (std::vector<std::string>{"m/20231231235959_a.sql", "m/20240102000000_b.sql"}));
  // golang-migrate numbers without padding: 10 follows 9.
  EXPECT_EQ(Order({"m/10_c.up.sql", "m/9_b.up.sql", "m/1_a.up.sql"}),
            (std::vector<std::string>{"m/1_a.up.sql", "m/9_b.up.sql", "m/10_c.up.sql"}));
  // Versions longer than 64 bits (pop's nanosecond timestamps).
  EXPECT_EQ(Order({"s/20220824165300000001_b.postgres.up.sql", "s/20150100000001000000_a.up.sql"}),
            (std::vector<std::string>{"s/20150100000001000000_a.up.sql",
                                      "s/20220824165300000001_b.postgres.up.sql"}));
}

TEST(MigrationOrder, DownFilesAndOtherDatabasesAreSkipped) {
  const MigrationOrder order =
      OrderMigrations({"m/1_a.up.sql", "m/1_a.down.sql", "m/2_b.mysql.up.sql",
                       "m/2_b.postgres.up.sql", "m/3_c.sqlite3.up.sql"},
                      MigrationOrderStyle::kAuto);
  EXPECT_EQ(order.files, (std::vector<std::string>{"m/1_a.up.sql", "m/2_b.postgres.up.sql"}));
  ASSERT_EQ(order.skipped.size(), 3u);
  EXPECT_EQ(order.skipped[0].reason, "down migration");
  EXPECT_EQ(order.skipped[1].reason, "for mysql");
  EXPECT_EQ(order.skipped[2].reason, "for sqlite3");
}

TEST(MigrationOrder, ADownMigrationRollsBackFromItsUpMigration) {
  const MigrationOrder pairs = OrderMigrations(
      {"m/2_b.down.sql", "m/1_a.up.sql", "m/2_b.up.sql", "m/10_c.up.sql", "m/1_a.down.sql"},
      MigrationOrderStyle::kAuto);
  ASSERT_EQ(pairs.skipped.size(), 2u);
  EXPECT_EQ(pairs.skipped[0].path, "m/2_b.down.sql");
  EXPECT_EQ(pairs.skipped[0].after, 2u);  // after 1_a.up.sql and 2_b.up.sql
  EXPECT_EQ(pairs.skipped[1].after, 1u);
  const MigrationOrder diesel = OrderMigrations(
      {"d/2019-01-01-000000_a/up.sql", "d/2019-01-01-000000_a/down.sql", "d/2019-02-01-000000_b/up.sql"},
      MigrationOrderStyle::kAuto);
  EXPECT_EQ(diesel.skipped.at(0).after, 1u);
}

TEST(MigrationOrder, EveryDownMigrationOfManyFollowsItsVersionInBothStyles) {
  // Versions out of order, some with two up files, and an unversioned file that sorts last.
  std::vector<std::string> paths{"m/zz_setup.sql"};
  for (int v : {7, 3, 12, 1, 9, 5, 10, 2, 8, 4, 11, 6}) {
    paths.push_back("m/" + std::to_string(v) + "_x.down.sql");
    paths.push_back("m/" + std::to_string(v) + "_x.up.sql");
    if (v % 3 == 0) paths.push_back("m/" + std::to_string(v) + "_y.up.sql");
  }
  const MigrationOrder order = OrderMigrations(paths, MigrationOrderStyle::kAuto);
  ASSERT_EQ(order.skipped.size(), 12u);
  for (const SkippedMigration& down : order.skipped) {
    const std::string version = down.path.substr(2, down.path.find('_') - 2);
    // After the last up file of its version: the files before are exactly those of versions
    // up to its own.
    std::size_t expected = 0;
    for (const std::string& file : order.files) {
      const std::string v = file.substr(2, file.find('_') - 2);
      if (v != "zz" && std::stoi(v) <= std::stoi(version)) ++expected;
    }
    EXPECT_EQ(down.after, expected) << down.path;
    EXPECT_TRUE(down.paired) << down.path;
  }
  // By name: a down file follows the files whose paths sort before or at its own.
  const MigrationOrder by_name = OrderMigrations(paths, MigrationOrderStyle::kName);
  for (const SkippedMigration& down : by_name.skipped) {
    std::size_t expected = 0;
    for (const std::string& file : by_name.files) expected += file <= down.path ? 1 : 0;
    EXPECT_EQ(down.after, expected) << down.path;
  }
}

TEST(MigrationOrder, DieselAndPrismaFoldersCarryTheVersion) {
  // diesel, with both of its folder name styles (lemmy uses them side by side).
  const MigrationOrder diesel = OrderMigrations(
      {"migrations/2026-07-08-184840-0000_c/up.sql", "migrations/2019-02-26-002946_b/down.sql",
       "migrations/2019-02-26-002946_b/up.sql",
       "migrations/00000000000000_diesel_initial_setup/up.sql"},
      MigrationOrderStyle::kAuto);
  EXPECT_EQ(diesel.files,
            (std::vector<std::string>{"migrations/00000000000000_diesel_initial_setup/up.sql",
                                      "migrations/2019-02-26-002946_b/up.sql",
                                      "migrations/2026-07-08-184840-0000_c/up.sql"}));
  EXPECT_EQ(diesel.skipped.size(), 1u);
  EXPECT_EQ(Order({"prisma/migrations/20230505085625_b/migration.sql",
                   "prisma/migrations/20230404095503_a/migration.sql"}),
            (std::vector<std::string>{"prisma/migrations/20230404095503_a/migration.sql",
                                      "prisma/migrations/20230505085625_b/migration.sql"}));
}

TEST(MigrationOrder, UnversionedFilesFollowByNameAndNameStyleIgnoresVersions) {
  EXPECT_EQ(Order({"d/seed.sql", "d/2_b.sql", "d/10_a.sql"}),
            (std::vector<std::string>{"d/2_b.sql", "d/10_a.sql", "d/seed.sql"}));
  EXPECT_EQ(Order({"d/seed.sql", "d/2_b.sql", "d/10_a.sql"}, MigrationOrderStyle::kName),
            (std::vector<std::string>{"d/10_a.sql", "d/2_b.sql", "d/seed.sql"}));
}

TEST(MigrationOrder, HistoryRootIsTheDirectoryOrTheOneAboveAMigrationFolder) {
  EXPECT_EQ(HistoryRoot("/r/db/migrate/V1__a.sql"), "/r/db/migrate");
  EXPECT_EQ(HistoryRoot("/r/migrations/2019-02-26-002946_b/up.sql"), "/r/migrations");
  EXPECT_EQ(HistoryRoot("/r/prisma/migrations/20230404095503_a/migration.sql"),
            "/r/prisma/migrations");
  // up.sql in a folder without a version is a plain file of that folder.
  EXPECT_EQ(HistoryRoot("/r/sql/up.sql"), "/r/sql");
}

}  // namespace
}  // namespace pgshift::rules
