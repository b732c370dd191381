// planner/copy_rows.cpp: columns copied into a new table by INSERT ... SELECT become triggers that
// keep both places in step, a batched backfill, and drops at contract.
#include <gtest/gtest.h>

#include "planner/planner.h"

namespace pgshift::planner {
namespace {

using rules::Phase;

const std::vector<std::string> kUsers = {
    "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, street text, city text);"};

const std::string kCreate =
    "CREATE TABLE addresses (user_id bigint PRIMARY KEY REFERENCES users (id), street text, "
    "city text);\n";

std::string Reasons(const MigrationPlan& plan) {
  std::string all;
  for (const NotMadeSafe& unsafe : plan.not_made_safe) all += unsafe.reason + "\n";
  return all;
}

TEST(PlannerCopyRows, ColumnsMovedToANewTableAreKeptInStepThenDropped) {
  const MigrationPlan plan = PlanMigration(
      kCreate +
          "INSERT INTO addresses (user_id, street, city) SELECT id, street, city FROM users;\n"
          "ALTER TABLE users DROP COLUMN street, DROP COLUMN city;",
      "m.sql", kUsers);
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  ASSERT_EQ(plan.stages.size(), 5u);

  const PlannedStage& create = plan.stages[0];
  EXPECT_EQ(create.phase, Phase::kExpand);
  ASSERT_EQ(create.sql.size(), 5u);
  EXPECT_NE(create.sql[1].find("INSERT INTO addresses (user_id, street, city)\n  VALUES (NEW.id, "
                               "NEW.street, NEW.city)\n  ON CONFLICT (user_id) DO UPDATE\n    SET "
                               "street = EXCLUDED.street, city = EXCLUDED.city;"),
            std::string::npos)
      << create.sql[1];
  // An INSERT without any of the columns makes no row: the new release adds it itself.
  EXPECT_NE(create.sql[1].find("IF TG_OP = 'INSERT' AND NEW.street IS NULL AND NEW.city IS NULL"),
            std::string::npos);
  EXPECT_EQ(create.sql[2],
            "CREATE TRIGGER users_copy_to_addresses AFTER INSERT OR UPDATE OF street, city ON "
            "users FOR EACH ROW EXECUTE FUNCTION users_copy_to_addresses()");
  // Each write to the new table reaches the old columns, unless they already hold it (the copy
  // backfill's inserts then leave the old table unwritten).
  EXPECT_NE(create.sql[3].find("UPDATE users SET street = NEW.street, city = NEW.city WHERE id = "
                               "NEW.user_id AND (street IS DISTINCT FROM NEW.street OR city IS "
                               "DISTINCT FROM NEW.city);"),
            std::string::npos)
      << create.sql[3];
  EXPECT_NE(create.sql[3].find("UPDATE users SET street = NULL, city = NULL WHERE id = "
                               "OLD.user_id AND (street IS NOT NULL OR city IS NOT NULL);"),
            std::string::npos);
  EXPECT_EQ(create.sql[4],
            "CREATE TRIGGER addresses_copy_to_users AFTER INSERT OR UPDATE OR DELETE ON addresses "
            "FOR EACH ROW EXECUTE FUNCTION addresses_copy_to_users()");
  EXPECT_EQ(create.rollback, (std::vector<std::string>{
                                 "DROP TRIGGER users_copy_to_addresses ON users",
                                 "DROP FUNCTION users_copy_to_addresses()", "DROP TABLE addresses",
                                 "DROP FUNCTION addresses_copy_to_users()"}));

  const PlannedStage& copy = plan.stages[1];
  EXPECT_EQ(copy.phase, Phase::kBackfill);
  EXPECT_EQ(copy.id, "copy-users-to-addresses");
  ASSERT_TRUE(copy.backfill.has_value());
  EXPECT_EQ(copy.backfill->table, "users");
  EXPECT_EQ(copy.backfill->set, "");
  EXPECT_EQ(copy.backfill->insert_into, "addresses (user_id, street, city)");
  EXPECT_EQ(copy.backfill->select, "id, street, city");
  EXPECT_EQ(copy.backfill->where, "street IS NOT NULL OR city IS NOT NULL");

  const PlannedStage& stop = plan.stages[2];
  EXPECT_EQ(stop.phase, Phase::kContract);
  EXPECT_TRUE(stop.irreversible);
  EXPECT_EQ(stop.gate,
            "SELECT NOT EXISTS (SELECT 1 FROM users WHERE (street IS NOT NULL OR city IS NOT "
            "NULL) AND NOT EXISTS (SELECT 1 FROM addresses WHERE addresses.user_id = users.id))");
  EXPECT_EQ(stop.sql, (std::vector<std::string>{"DROP TRIGGER addresses_copy_to_users ON addresses",
                                                "DROP FUNCTION addresses_copy_to_users()"}));

  // The trigger names the columns in UPDATE OF: it goes before the first of them, once.
  EXPECT_EQ(plan.stages[3].sql,
            (std::vector<std::string>{"DROP TRIGGER users_copy_to_addresses ON users",
                                      "DROP FUNCTION users_copy_to_addresses()",
                                      "ALTER TABLE users DROP street"}));
  EXPECT_EQ(plan.stages[4].sql, std::vector<std::string>{"ALTER TABLE users DROP city"});
}

TEST(PlannerCopyRows, KeptColumnsLoseTheirTriggerAtContract) {
  const MigrationPlan plan = PlanMigration(
      kCreate + "INSERT INTO addresses (user_id, city) SELECT users.id, users.city FROM users;",
      "m.sql", kUsers);
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  ASSERT_EQ(plan.stages.size(), 4u);
  EXPECT_EQ(plan.stages[3].phase, Phase::kContract);
  EXPECT_EQ(plan.stages[3].id, "stop-copying-users-to-addresses");
  EXPECT_EQ(plan.stages[3].sql,
            (std::vector<std::string>{"DROP TRIGGER users_copy_to_addresses ON users",
                                      "DROP FUNCTION users_copy_to_addresses()"}));
  EXPECT_EQ(plan.stages[3].source, plan.stages[1].source);
}

TEST(PlannerCopyRows, WhatItCannotKeepInStepIsNotMadeSafe) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"INSERT INTO addresses (user_id, city) SELECT id, city FROM users WHERE city <> '';",
       "no WHERE"},
      {"INSERT INTO addresses (user_id, city) SELECT id, upper(city) FROM users;",
       "a column of users as it is"},
      {"INSERT INTO addresses SELECT id, street, city FROM users;", "name the columns"},
      {"INSERT INTO addresses (street, city) SELECT street, city FROM users;",
       "single-column primary key"},
      {"INSERT INTO addresses (user_id, city) SELECT u.id, u.city FROM users u JOIN x ON true;",
       "no WHERE, join"},
  };
  for (const auto& [insert, reason] : cases) {
    const MigrationPlan plan = PlanMigration(kCreate + insert, "m.sql", kUsers);
    ASSERT_EQ(plan.not_made_safe.size(), 1u) << insert;
    EXPECT_NE(plan.not_made_safe[0].reason.find(reason), std::string::npos)
        << insert << "\n"
        << plan.not_made_safe[0].reason;
    EXPECT_NE(plan.not_made_safe[0].reason.find("copies the rows once"), std::string::npos);
    ASSERT_EQ(plan.stages.size(), 1u) << insert;
    EXPECT_EQ(plan.stages[0].sql.size(), 1u) << "no trigger for a copy that is not made safe";
  }
  // Without the schema the source table's key is unknown.
  const MigrationPlan unknown = PlanMigration(
      kCreate + "INSERT INTO addresses (user_id, city) SELECT id, city FROM users;", "m.sql");
  ASSERT_EQ(unknown.not_made_safe.size(), 1u);
  EXPECT_NE(unknown.not_made_safe[0].reason.find("--schema"), std::string::npos);
}

}  // namespace
}  // namespace pgshift::planner
