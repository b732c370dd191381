// Rules judged against the schema replayed from earlier migrations.
#include "rules/history/replay.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "parser/parsed_file.h"
#include "rules/analysis/lock_model.h"
#include "rules/engine.h"

namespace pgshift::rules {
namespace {

Catalog History(const std::vector<std::string>& migrations, bool unreleased = false) {
  Catalog catalog;
  for (const std::string& text : migrations)
    EXPECT_TRUE(ReplayMigration(text, unreleased, catalog));
  return catalog;
}

Form TypeChangeForm(const std::string& sql, const Catalog& catalog) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  const std::vector<TableLock> locks = LocksOf(file.statements.at(0).node, 15, catalog);
  EXPECT_EQ(locks.size(), 1u) << sql;
  return locks.empty() ? Form::kOtherAlterTable : locks[0].form;
}

std::vector<std::string> Rules(const std::string& sql, const Catalog* history) {
  const FileReport report = LintSource(parser::SourceText("m.sql", sql), LintSettings{}, history);
  std::vector<std::string> rules;
  for (const Finding& f : report.findings) rules.push_back(f.rule);
  return rules;
}

bool Has(const std::vector<std::string>& rules, const std::string& rule) {
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

TEST(Replay, TypeChangeIsJudgedAgainstTheRealOldType) {
  const Catalog history = History({"CREATE TABLE users (id bigint, name varchar(50), age int);"});
  // Widening a varchar only touches the catalog, once the old type is known...
  EXPECT_EQ(TypeChangeForm("ALTER TABLE users ALTER COLUMN name TYPE varchar(100);", history),
            Form::kAlterColumnTypeCatalogOnly);
  // ...while without history it must be assumed to rewrite the table.
  EXPECT_EQ(TypeChangeForm("ALTER TABLE users ALTER COLUMN name TYPE varchar(100);", Catalog()),
            Form::kAlterColumnTypeRewrite);
  EXPECT_EQ(TypeChangeForm("ALTER TABLE users ALTER COLUMN age TYPE bigint;", history),
            Form::kAlterColumnTypeRewrite);
}

TEST(Replay, LaterMigrationsChangeTheTypeTheNextOneSees) {
  const Catalog history =
      History({"CREATE TABLE t (a int);", "ALTER TABLE t ALTER COLUMN a TYPE text;"});
  // a is text now: text to varchar is binary coercible, back to a number is not.
  EXPECT_EQ(TypeChangeForm("ALTER TABLE t ALTER COLUMN a TYPE varchar;", history),
            Form::kAlterColumnTypeCatalogOnly);
  EXPECT_EQ(TypeChangeForm("ALTER TABLE t ALTER COLUMN a TYPE int USING a::int;", history),
            Form::kAlterColumnTypeRewrite);
}

TEST(Replay, SetNotNullKnowsOfAValidatedCheckFromAnEarlierMigration) {
  const std::string sql = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;";
  const Catalog validated = History(
      {"CREATE TABLE users (id bigint, email text);",
       "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;",
       "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;"});
  EXPECT_FALSE(Has(Rules(sql, &validated), "set-not-null"));
  const Catalog not_validated = History(
      {"CREATE TABLE users (id bigint, email text);",
       "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;"});
  EXPECT_TRUE(Has(Rules(sql, &not_validated), "set-not-null"));
  EXPECT_TRUE(Has(Rules(sql, nullptr), "set-not-null"));
}

TEST(Replay, ConcurrentIndexOnAPartitionedParentFromHistory) {
  const std::string sql = "CREATE INDEX CONCURRENTLY events_at_idx ON events (at);";
  const Catalog history =
      History({"CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);",
               "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO "
               "('2026-01-01');"});
  const FileReport report = LintSource(parser::SourceText("m.sql", sql), LintSettings{}, &history);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].rule, "concurrent-index-on-partitioned-table");
  EXPECT_NE(report.findings[0].help.find(
                "ALTER INDEX events_at_idx ATTACH PARTITION events_2025_events_at_idx"),
            std::string::npos)
      << report.findings[0].help;
  EXPECT_TRUE(Rules(sql, nullptr).empty());  // nothing known without the history
}

TEST(Replay, ATableFromAnUnreleasedMigrationOfTheBatchIsNew) {
  const std::string sql =
      "CREATE INDEX users_email_idx ON users (email);\n"
      "ALTER TABLE users DROP COLUMN legacy_flag;";
  const std::string create = "CREATE TABLE users (id bigint, email text, legacy_flag boolean);";
  const Catalog unreleased = History({create}, /*unreleased=*/true);
  EXPECT_TRUE(Rules(sql, &unreleased).empty());
  const Catalog released = History({create}, /*unreleased=*/false);
  const std::vector<std::string> rules = Rules(sql, &released);
  EXPECT_TRUE(Has(rules, "non-concurrent-index-creation"));
  EXPECT_TRUE(Has(rules, "drop-column"));
}

TEST(Replay, TextThatIsNoSqlIsNotReplayed) {
  Catalog catalog;
  EXPECT_FALSE(ReplayMigration(std::string("CREATE TABLE t (a int);\0", 24), false, catalog));
  EXPECT_EQ(catalog.FindTable({"", "t"}), nullptr);
  // A statement that does not parse is skipped; the others apply.
  EXPECT_TRUE(ReplayMigration("CREATE TABLE a (x int);\nCREATE TABLBE b;\nCREATE TABLE c (y int);",
                              false, catalog));
  EXPECT_NE(catalog.FindTable({"", "a"}), nullptr);
  EXPECT_NE(catalog.FindTable({"", "c"}), nullptr);
}

// A table created again with IF NOT EXISTS is still the released one, with its rows.
TEST(Replay, CreateTableIfNotExistsKeepsTheReleasedTable) {
  const Catalog released = History({"CREATE TABLE users (id bigint, email text);"});
  const std::vector<std::string> rules =
      Rules("CREATE TABLE IF NOT EXISTS users (id bigint, email text);\n"
            "CREATE INDEX users_email_idx ON users (email);",
            &released);
  EXPECT_TRUE(Has(rules, "non-concurrent-index-creation"));
}

// Copies of a catalog share their tables until one changes them; a change is never seen by the
// catalog copied from.
TEST(Replay, ACopyChangesOnlyItself) {
  const Catalog original =
      History({"CREATE TABLE users (id bigint);", "CREATE INDEX users_id_idx ON users (id);"});
  Catalog copy = original;
  ASSERT_TRUE(ReplayMigration("ALTER TABLE users ADD COLUMN email text;\n"
                              "ALTER INDEX users_id_idx RENAME TO users_id_key;",
                              /*unreleased=*/true, copy));
  copy.MarkAllReleased();
  EXPECT_NE(copy.FindTable({"", "users"})->FindColumn("email"), nullptr);
  EXPECT_EQ(original.FindTable({"", "users"})->FindColumn("email"), nullptr);
  EXPECT_NE(copy.FindIndex({"", "users_id_key"}), nullptr);
  EXPECT_NE(original.FindIndex({"", "users_id_idx"}), nullptr);
  EXPECT_EQ(original.FindIndex({"", "users_id_key"}), nullptr);

  Catalog fresh = History({"CREATE TABLE t (a int);"}, /*unreleased=*/true);
  Catalog deployed = fresh;
  deployed.MarkAllReleased();
  EXPECT_TRUE(fresh.IsNew({"", "t"}));
  EXPECT_FALSE(deployed.IsNew({"", "t"}));
}

}  // namespace
}  // namespace pgshift::rules
