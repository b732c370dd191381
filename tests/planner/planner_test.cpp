// planner/: each transformation of `pgshift plan new`, by the statements it generates.
#include "planner/planner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "parser/source_text.h"
#include "planner/plan_check.h"
#include "planner/planner_sql.h"
#include "planner/toml_render.h"

namespace pgshift::planner {
namespace {

using rules::Phase;

MigrationPlan Plan(const std::string& sql) { return PlanMigration(sql, "migration.sql"); }

// The stages as "phase: statement; statement" lines, for exact comparison.
std::vector<std::string> Outline(const MigrationPlan& plan) {
  std::vector<std::string> lines;
  for (const PlannedStage& stage : plan.stages) {
    std::string line = std::string(rules::PhaseName(stage.phase)) + ":";
    if (stage.backfill) {
      line += " backfill " + stage.backfill->table +
              (stage.backfill->delete_rows ? " DELETE" : " SET " + stage.backfill->set);
      if (!stage.backfill->where.empty()) line += " WHERE " + stage.backfill->where;
    }
    for (const std::string& sql : stage.sql) line += " " + sql + ";";
    lines.push_back(line);
  }
  return lines;
}

const PlannedStage& StageAt(const MigrationPlan& plan, std::size_t i) {
  static const PlannedStage kNone;
  return i < plan.stages.size() ? plan.stages[i] : kNone;
}

TEST(Planner, IndexIsBuiltConcurrentlyUnderPostgresName) {
  const MigrationPlan plan = Plan("CREATE INDEX ON orders (customer_id, created_at);");
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].phase, Phase::kExpand);
  EXPECT_EQ(plan.stages[0].sql,
            std::vector<std::string>{"CREATE INDEX CONCURRENTLY orders_customer_id_created_at_idx "
                                     "ON orders USING btree (customer_id, created_at)"});
  EXPECT_EQ(plan.stages[0].rollback,
            std::vector<std::string>{"DROP INDEX CONCURRENTLY orders_customer_id_created_at_idx"});
  EXPECT_TRUE(plan.not_made_safe.empty());
}

TEST(Planner, NamedUniqueIndexKeepsItsNameAndGetsADuplicatesGate) {
  const MigrationPlan plan = Plan("CREATE UNIQUE INDEX users_email_idx ON app.users (email);");
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].sql[0],
            "CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON app.users USING btree (email)");
  EXPECT_EQ(plan.stages[0].rollback[0], "DROP INDEX CONCURRENTLY app.users_email_idx");
  EXPECT_EQ(plan.stages[0].gate,
            "SELECT NOT EXISTS (SELECT 1 FROM app.users WHERE email IS NOT NULL GROUP BY email "
            "HAVING count(*) > 1)");
}

TEST(Planner, IndexOnATableTheMigrationCreatesPassesThrough) {
  const MigrationPlan plan =
      Plan("CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);");
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{"expand: CREATE TABLE t (id int PRIMARY KEY, a int); CREATE "
                                      "INDEX t_a_idx ON t (a);"}));
  EXPECT_EQ(plan.stages[0].rollback, std::vector<std::string>{"DROP TABLE t"});
}

TEST(Planner, UniqueConstraintFromAConcurrentIndex) {
  const MigrationPlan plan = Plan("ALTER TABLE users ADD UNIQUE (email);");
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "expand: CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);",
                "switch: ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX "
                "users_email_key;"}));
  EXPECT_EQ(StageAt(plan, 1).rollback,
            (std::vector<std::string>{
                "ALTER TABLE users DROP CONSTRAINT users_email_key",
                "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)"}));
}

TEST(Planner, ForeignKeyNotValidThenValidated) {
  const MigrationPlan plan =
      Plan("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);");
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "expand: ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY "
                "(customer_id) REFERENCES customers (id) NOT VALID;",
                "switch: ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;"}));
  EXPECT_EQ(StageAt(plan, 1).gate,
            "SELECT NOT EXISTS (SELECT 1 FROM orders c WHERE c.customer_id IS NOT NULL AND NOT "
            "EXISTS (SELECT 1 FROM customers p WHERE p.id = c.customer_id))");
  EXPECT_EQ(StageAt(plan, 1).rollback.size(), 2u);
}

TEST(Planner, CheckNotValidThenValidated) {
  const MigrationPlan plan = Plan("ALTER TABLE items ADD CHECK (price > 0);");
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "expand: ALTER TABLE items ADD CONSTRAINT items_price_check CHECK (price > 0) NOT "
                "VALID;",
                "switch: ALTER TABLE items VALIDATE CONSTRAINT items_price_check;"}));
  EXPECT_EQ(StageAt(plan, 1).gate, "SELECT NOT EXISTS (SELECT 1 FROM items WHERE NOT (price > 0))");
}

TEST(Planner, ConstraintWrittenNotValidIsNotValidated) {
  const MigrationPlan plan =
      Plan("ALTER TABLE items ADD CONSTRAINT c CHECK (price > 0) NOT VALID;");
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].phase, Phase::kExpand);
}

const std::vector<std::string> kNotNullTail = {
    "switch: ALTER TABLE users ADD CONSTRAINT users_code_not_null CHECK (code IS NOT NULL) NOT "
    "VALID;",
    "switch: ALTER TABLE users VALIDATE CONSTRAINT users_code_not_null;",
    "switch: ALTER TABLE users ALTER COLUMN code SET NOT NULL;",
    "contract: ALTER TABLE users DROP CONSTRAINT users_code_not_null;"};

TEST(Planner, AddColumnNotNullWithVolatileDefault) {
  const MigrationPlan plan =
      Plan("ALTER TABLE users ADD COLUMN code uuid NOT NULL DEFAULT gen_random_uuid();");
  std::vector<std::string> expected = {
      "expand: ALTER TABLE users ADD COLUMN code uuid; ALTER TABLE users ALTER COLUMN code SET "
      "DEFAULT gen_random_uuid();",
      "backfill: backfill users SET code = gen_random_uuid() WHERE code IS NULL"};
  expected.insert(expected.end(), kNotNullTail.begin(), kNotNullTail.end());
  EXPECT_EQ(Outline(plan), expected);
  EXPECT_EQ(plan.stages[0].rollback,
            std::vector<std::string>{"ALTER TABLE users DROP COLUMN code"});
  EXPECT_EQ(StageAt(plan, 2).gate, "SELECT NOT EXISTS (SELECT 1 FROM users WHERE code IS NULL)");
  EXPECT_TRUE(StageAt(plan, 5).irreversible);
  EXPECT_TRUE(plan.not_made_safe.empty());
}

TEST(Planner, AddColumnNotNullFilledByALaterUpdate) {
  const MigrationPlan plan = Plan(
      "ALTER TABLE users ADD COLUMN code text NOT NULL;\nUPDATE users SET code = lower(name);");
  std::vector<std::string> expected = {"expand: ALTER TABLE users ADD COLUMN code text;",
                                       "backfill: backfill users SET code = lower(name)"};
  expected.insert(expected.end(), kNotNullTail.begin(), kNotNullTail.end());
  EXPECT_EQ(Outline(plan), expected);
  EXPECT_TRUE(plan.not_made_safe.empty());
}

TEST(Planner, AddColumnNotNullThatNothingFillsNeedsAPerson) {
  const MigrationPlan plan = Plan("ALTER TABLE users ADD COLUMN code text NOT NULL;");
  EXPECT_EQ(plan.stages.size(), 5u);
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find("get no value"), std::string::npos);
}

TEST(Planner, AddColumnWithInlineConstraintsStagesEachOnItsOwn) {
  const MigrationPlan plan = Plan(
      "ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE "
      "CHECK (user_id > 0) UNIQUE;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "expand: ALTER TABLE orders ADD COLUMN user_id bigint;",
                "expand: ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY "
                "(user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;",
                "expand: ALTER TABLE orders ADD CONSTRAINT orders_user_id_check CHECK (user_id > "
                "0) NOT VALID;",
                "expand: CREATE UNIQUE INDEX CONCURRENTLY orders_user_id_key ON orders (user_id);",
                "switch: ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;",
                "switch: ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_check;",
                "switch: ALTER TABLE orders ADD CONSTRAINT orders_user_id_key UNIQUE USING INDEX "
                "orders_user_id_key;"}));
}

TEST(Planner, AddColumnWithConstantDefaultPassesThrough) {
  const MigrationPlan plan =
      Plan("ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;");
  EXPECT_EQ(Outline(plan), (std::vector<std::string>{
                               "expand: ALTER TABLE users ADD COLUMN active boolean NOT NULL "
                               "DEFAULT true;"}));
}

TEST(Planner, SetNotNullThroughAValidatedCheck) {
  const MigrationPlan plan = Plan("ALTER TABLE users ALTER COLUMN code SET NOT NULL;");
  EXPECT_EQ(Outline(plan), kNotNullTail);
}

TEST(Planner, SetNotNullAfterTheMigrationsOwnCheckNeedsNoSecondCheck) {
  const MigrationPlan plan = Plan(
      "ALTER TABLE users ADD CONSTRAINT code_present CHECK (code IS NOT NULL);\n"
      "ALTER TABLE users ALTER COLUMN code SET NOT NULL;");
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "expand: ALTER TABLE users ADD CONSTRAINT code_present CHECK (code IS NOT NULL) "
                "NOT VALID;",
                "switch: ALTER TABLE users VALIDATE CONSTRAINT code_present;",
                "switch: ALTER TABLE users ALTER COLUMN code SET NOT NULL;"}));
}

TEST(Planner, UpdateOfEveryRowIsABatchedBackfill) {
  const MigrationPlan plan =
      Plan("UPDATE \"Order Items\" SET qty = qty * 2, note = 'x' WHERE qty < 10;");
  EXPECT_EQ(Outline(plan), (std::vector<std::string>{"backfill: backfill Order Items SET qty = "
                                                     "qty * 2, note = 'x' WHERE qty < 10"}));
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_TRUE(plan.stages[0].rollback.empty());
  EXPECT_FALSE(plan.stages[0].irreversible);
}

TEST(Planner, DeleteOfManyRowsIsABatchedDelete) {
  const MigrationPlan plan =
      Plan("DELETE FROM sessions;\nDELETE FROM \"Audit Log\" WHERE at < now() - interval '1 year';");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "backfill: backfill sessions DELETE",
                "backfill: backfill Audit Log DELETE WHERE at < (now() - '1 year'::interval)"}));
  for (const PlannedStage& stage : plan.stages) {
    EXPECT_TRUE(stage.irreversible);
    EXPECT_TRUE(stage.sql.empty());
    ASSERT_TRUE(stage.backfill.has_value());
    EXPECT_TRUE(stage.backfill->delete_rows);
    EXPECT_TRUE(stage.backfill->set.empty());
  }
  EXPECT_EQ(StageAt(plan, 0).id, "delete-sessions");
}

TEST(Planner, DeleteOfAFewRowsByKeyRunsAsWritten) {
  // "code" is a key only by the schema's UNIQUE constraint; "name" is no key at all.
  const MigrationPlan plan = PlanMigration(
      "DELETE FROM users WHERE id IN (1, 2);\nDELETE FROM plans WHERE code = 'old';\n"
      "DELETE FROM plans WHERE name = 'old';",
      "m.sql", {"CREATE TABLE plans (code text UNIQUE, name text);"});
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  EXPECT_EQ(Outline(plan), (std::vector<std::string>{
                               "backfill: DELETE FROM users WHERE id IN (1, 2);",
                               "backfill: DELETE FROM plans WHERE code = 'old';",
                               "backfill: backfill plans DELETE WHERE name = 'old'"}));
  for (const PlannedStage& stage : plan.stages) EXPECT_TRUE(stage.irreversible);
}

TEST(Planner, DeleteOnANewTableJoinsItsCreation) {
  const MigrationPlan plan =
      Plan("CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\nDELETE FROM t;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].sql.size(), 3u);
}

TEST(Planner, DropsAreContract) {
  const MigrationPlan plan =
      Plan("DROP TABLE login_events;\nALTER TABLE users DROP COLUMN nick;\nDROP INDEX old_idx;");
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{"contract: DROP TABLE login_events;",
                                      "contract: ALTER TABLE users DROP nick;",
                                      "contract: DROP INDEX CONCURRENTLY old_idx;"}));
  for (const PlannedStage& stage : plan.stages) EXPECT_TRUE(stage.irreversible);
}

TEST(Planner, PhasesNeverGoBackwards) {
  const MigrationPlan plan = Plan(
      "DROP TABLE a;\nALTER TABLE users ALTER COLUMN code SET NOT NULL;\nCREATE INDEX ON b (x);");
  for (std::size_t i = 1; i < plan.stages.size(); ++i) {
    EXPECT_LE(plan.stages[i - 1].phase, plan.stages[i].phase) << i;
  }
  EXPECT_EQ(plan.stages.front().phase, Phase::kExpand);
  EXPECT_EQ(plan.stages.back().phase, Phase::kContract);
}

TEST(Planner, TransactionsAndTimeoutsAreLeftOutAndSaidSo) {
  const MigrationPlan plan =
      Plan("BEGIN;\nSET lock_timeout = '1s';\nCREATE TABLE t (id int);\nCOMMIT;");
  EXPECT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.dropped.size(), 3u);
  EXPECT_TRUE(plan.not_made_safe.empty());
}

TEST(Planner, WhatItCannotStageIsNotMadeSafeWithItsPosition) {
  const MigrationPlan plan = Plan(
      "CREATE TABLE t (id int);\n  ALTER TABLE users ALTER COLUMN id TYPE bigint;\n"
      "DELETE FROM logs USING hosts WHERE logs.host = hosts.id;\nTRUNCATE logs;\n"
      "UPDATE a SET x = b.y FROM b WHERE a.id = b.id;");
  EXPECT_EQ(plan.stages.size(), 1u);
  ASSERT_EQ(plan.not_made_safe.size(), 4u);
  EXPECT_EQ(plan.not_made_safe[0].line, 2);
  EXPECT_EQ(plan.not_made_safe[0].column, 3);
  EXPECT_NE(plan.not_made_safe[0].reason.find("rewrite"), std::string::npos);
  EXPECT_NE(plan.not_made_safe[1].reason.find("DELETE"), std::string::npos);
  EXPECT_EQ(plan.not_made_safe[2].statement, "TRUNCATE logs");
}

TEST(Planner, ColumnRenameKeptInStepByATrigger) {
  const MigrationPlan plan = PlanMigration(
      "ALTER TABLE users RENAME COLUMN email TO email_address;", "m.sql",
      {"CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL UNIQUE);"});
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  const std::vector<std::string> outline = Outline(plan);
  ASSERT_EQ(outline.size(), 8u);
  EXPECT_EQ(plan.stages[0].sql[0], "ALTER TABLE users ADD COLUMN email_address varchar(200)");
  EXPECT_NE(
      plan.stages[0].sql[1].find("NEW.email_address := coalesce(NEW.email_address, NEW.email)"),
      std::string::npos)
      << plan.stages[0].sql[1];
  EXPECT_EQ(plan.stages[0].sql[2],
            "CREATE TRIGGER users_sync_email_address BEFORE INSERT OR UPDATE ON users FOR EACH ROW "
            "EXECUTE FUNCTION users_sync_email_address()");
  EXPECT_EQ(plan.stages[0].rollback.size(), 3u);
  EXPECT_EQ(outline[1],
            "backfill: backfill users SET email_address = email WHERE email_address IS "
            "DISTINCT FROM email");
  EXPECT_EQ(outline[2],
            "switch: CREATE UNIQUE INDEX CONCURRENTLY users_email_address_key ON users "
            "(email_address);");
  EXPECT_EQ(
      outline[3].rfind("switch: ALTER TABLE users ADD CONSTRAINT users_email_address_not_null", 0),
      0u);
  EXPECT_EQ(outline[7],
            "contract: DROP TRIGGER users_sync_email_address ON users; DROP FUNCTION "
            "users_sync_email_address(); ALTER TABLE users DROP COLUMN email;");
}

TEST(Planner, ColumnRenameWithoutTheSchemaIsNotMadeSafe) {
  const MigrationPlan plan = Plan("ALTER TABLE users RENAME COLUMN email TO email_address;");
  EXPECT_TRUE(plan.stages.empty());
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find("--schema"), std::string::npos);
}

TEST(Planner, RewritingTypeChangeIsANewColumnSwappedInAtContract) {
  const MigrationPlan plan =
      PlanMigration("ALTER TABLE events ALTER COLUMN count TYPE bigint;", "m.sql",
                    {"CREATE TABLE events (id bigint PRIMARY KEY, count integer NOT NULL);"});
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  const std::vector<std::string> outline = Outline(plan);
  ASSERT_EQ(outline.size(), 7u);
  EXPECT_EQ(plan.stages[0].sql[0], "ALTER TABLE events ADD COLUMN count_new bigint");
  EXPECT_NE(plan.stages[0].sql[1].find("NEW.count_new := NEW.count::bigint;"), std::string::npos)
      << plan.stages[0].sql[1];
  EXPECT_EQ(outline[1],
            "backfill: backfill events SET count_new = count::bigint WHERE count_new IS "
            "DISTINCT FROM count::bigint");
  EXPECT_EQ(outline[6],
            "contract: DROP TRIGGER events_sync_count_new ON events; DROP FUNCTION "
            "events_sync_count_new(); ALTER TABLE events DROP COLUMN count; ALTER TABLE "
            "events RENAME COLUMN count_new TO count;");
}

TEST(Planner, AStatementOnAColumnATypeChangeSwapsOutIsNotMadeSafe) {
  // The swap at contract drops the old column, and with it whatever a later statement added to it.
  const MigrationPlan plan = PlanMigration(
      "ALTER TABLE events ALTER COLUMN count TYPE bigint;\n"
      "ALTER TABLE events ADD CONSTRAINT count_positive CHECK (count > 0);\n"
      "ALTER TABLE events ADD CONSTRAINT id_positive CHECK (id > 0);",
      "m.sql", {"CREATE TABLE events (id bigint PRIMARY KEY, count integer NOT NULL);"});
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_EQ(plan.not_made_safe[0].line, 2);
  EXPECT_NE(plan.not_made_safe[0].reason.find("events.count"), std::string::npos);
}

TEST(Planner, TypeChangeThatOnlyTouchesTheCatalogPassesThrough) {
  const MigrationPlan plan =
      PlanMigration("ALTER TABLE users ALTER COLUMN name TYPE varchar(200);", "m.sql",
                    {"CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100));"});
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].rollback,
            std::vector<std::string>{"ALTER TABLE users ALTER COLUMN name TYPE varchar(100)"});
}

TEST(Planner, CatalogOnlyTypeChangeRollsBackToTheOldCollation) {
  const MigrationPlan plan = PlanMigration(
      "ALTER TABLE users ALTER COLUMN name TYPE varchar(200) COLLATE \"C\";", "m.sql",
      {"CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) COLLATE \"C\");"});
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].rollback,
            std::vector<std::string>{
                "ALTER TABLE users ALTER COLUMN name TYPE varchar(100) COLLATE \"C\""});
}

// PostgreSQL builds the index again under ACCESS EXCLUSIVE: not passed through as instant.
TEST(Planner, TypeChangeThatBuildsAnIndexAgainIsNotMadeSafe) {
  const MigrationPlan plan =
      PlanMigration("ALTER TABLE users ALTER COLUMN name TYPE varchar(100) COLLATE \"C\";", "m.sql",
                    {"CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100));\n"
                     "CREATE UNIQUE INDEX users_name_key ON users (name);"});
  EXPECT_TRUE(plan.stages.empty());
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find(
                "builds users_name_key again under ACCESS EXCLUSIVE (the collation changes from "
                "the default to \"C\"); build each again concurrently with name COLLATE \"C\""),
            std::string::npos)
      << plan.not_made_safe[0].reason;
}

// A wider varchar keeps the table, but an index whose expression reads the column is built again.
TEST(Planner, TypeChangeThatBuildsAnExpressionIndexAgainIsNotMadeSafe) {
  const MigrationPlan plan =
      PlanMigration("ALTER TABLE users ALTER COLUMN name TYPE varchar(200);", "m.sql",
                    {"CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100));\n"
                     "CREATE INDEX users_lower_name_idx ON users (lower(name));"});
  EXPECT_TRUE(plan.stages.empty());
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find(
                "builds users_lower_name_idx again under ACCESS EXCLUSIVE (an index with an "
                "expression or a WHERE clause that reads the column is built again on any change "
                "of its type); drop each concurrently first and build it again concurrently after"),
            std::string::npos)
      << plan.not_made_safe[0].reason;
}

TEST(Planner, TypeChangeOfAKeyWhoseReferencesKeepTheirTypeIsNotMadeSafe) {
  const MigrationPlan plan =
      PlanMigration("ALTER TABLE accounts ALTER COLUMN id TYPE bigint;", "m.sql",
                    {"CREATE TABLE accounts (id serial PRIMARY KEY);\n"
                     "CREATE TABLE transfers (account_id int REFERENCES accounts (id));"});
  EXPECT_TRUE(plan.stages.empty());
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find("Stage it by hand"), std::string::npos);
}

TEST(Planner, StatementsOnANewTableJoinItsCreationAndPassTheCheck) {
  MigrationPlan plan = Plan(
      "CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ADD COLUMN b int NOT NULL;\n"
      "ALTER TABLE t RENAME COLUMN b TO c;");
  CheckedPlan checked = CheckPlan(std::move(plan), "plan.toml", {});
  EXPECT_TRUE(checked.plan.not_made_safe.empty()) << checked.plan.not_made_safe[0].reason << "\n"
                                                  << checked.toml;
  ASSERT_EQ(checked.plan.stages.size(), 1u);
  EXPECT_EQ(checked.plan.stages[0].sql.size(), 3u);
}

TEST(Planner, TableRenameKeepsTheOldNameAsAViewUntilContract) {
  MigrationPlan plan = Plan("ALTER TABLE app.customers RENAME TO accounts;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_EQ(plan.stages[0].phase, Phase::kExpand);
  EXPECT_EQ(plan.stages[0].id, "rename-table-customers");
  ASSERT_EQ(plan.stages[0].sql.size(), 2u);
  EXPECT_NE(plan.stages[0].sql[0].find("\nALTER TABLE app.customers RENAME TO accounts"),
            std::string::npos)
      << plan.stages[0].sql[0];
  EXPECT_EQ(plan.stages[0].sql[1], "CREATE VIEW app.customers AS SELECT * FROM app.accounts");
  EXPECT_EQ(plan.stages[0].rollback,
            (std::vector<std::string>{"DROP VIEW app.customers",
                                      "ALTER TABLE app.accounts RENAME TO customers"}));
  EXPECT_EQ(plan.stages[1].phase, Phase::kContract);
  EXPECT_EQ(plan.stages[1].sql, std::vector<std::string>{"DROP VIEW app.customers"});
  EXPECT_TRUE(plan.stages[1].irreversible);
  // The rename passes the check of its phase: the view keeps the old name working.
  CheckedPlan checked = CheckPlan(std::move(plan), "plan.toml", {});
  EXPECT_TRUE(checked.errors.empty()) << checked.errors[0];
  EXPECT_TRUE(checked.plan.not_made_safe.empty()) << checked.plan.not_made_safe[0].reason << "\n"
                                                  << checked.toml;
  EXPECT_EQ(checked.plan.stages.size(), 2u) << checked.toml;

  const MigrationPlan if_exists = Plan("ALTER TABLE IF EXISTS customers RENAME TO accounts;");
  EXPECT_TRUE(if_exists.stages.empty());
  ASSERT_EQ(if_exists.not_made_safe.size(), 1u);
  EXPECT_NE(if_exists.not_made_safe[0].reason.find("IF EXISTS"), std::string::npos);
}

TEST(Planner, ANewTableRenamedOrFilledStaysInItsCreatingStage) {
  const MigrationPlan plan = Plan(
      "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1), (2);\n"
      "ALTER TABLE t RENAME TO u;\nCREATE INDEX ON u (id);");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].sql.size(), 4u);
  EXPECT_EQ(plan.stages[0].rollback, std::vector<std::string>{"DROP TABLE u"});
}

TEST(Planner, EachCommandOfAnAlterTableIsStagedAlone) {
  const MigrationPlan plan = Plan(
      "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx, "
      "DROP COLUMN nick;");
  EXPECT_EQ(Outline(plan), (std::vector<std::string>{
                               "expand: ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY "
                               "USING INDEX users_id_idx;",
                               "contract: ALTER TABLE users DROP nick;"}));
  EXPECT_EQ(StageAt(plan, 0).rollback,
            std::vector<std::string>{"ALTER TABLE users DROP CONSTRAINT users_pkey"});
}

TEST(Planner, PsqlMetaCommandsAreNotMadeSafe) {
  const MigrationPlan plan = Plan("\\set ON_ERROR_STOP on\nCREATE TABLE t (id int);");
  EXPECT_EQ(plan.stages.size(), 1u);
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find("meta-command"), std::string::npos);
}

TEST(Planner, MoreSafeStatementsPassThroughWithTheirInverse) {
  const MigrationPlan plan = Plan(
      "CREATE TYPE mood AS ENUM ('ok');\nCREATE SCHEMA audit;\nGRANT SELECT ON users TO "
      "reporting WITH GRANT OPTION;\nREINDEX INDEX CONCURRENTLY users_email_idx;\nANALYZE users;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  ASSERT_EQ(plan.stages.size(), 5u);
  EXPECT_EQ(plan.stages[0].rollback, std::vector<std::string>{"DROP TYPE mood"});
  EXPECT_EQ(plan.stages[1].rollback, std::vector<std::string>{"DROP SCHEMA audit"});
  EXPECT_EQ(plan.stages[2].rollback,
            std::vector<std::string>{"REVOKE select ON users FROM reporting"});
  EXPECT_TRUE(plan.stages[3].rollback.empty());
}

TEST(Planner, UnknownStatementsAreNamedByKind) {
  const MigrationPlan plan = Plan(
      "REFRESH MATERIALIZED VIEW totals;\nALTER TABLE t ALTER COLUMN a SET STATISTICS 100;\n"
      "REINDEX INDEX users_email_idx;");
  ASSERT_EQ(plan.not_made_safe.size(), 3u);
  EXPECT_NE(plan.not_made_safe[0].reason.find("(refresh mat view)"), std::string::npos)
      << plan.not_made_safe[0].reason;
  EXPECT_NE(plan.not_made_safe[1].reason.find("(AT_SetStatistics)"), std::string::npos)
      << plan.not_made_safe[1].reason;
  EXPECT_NE(plan.not_made_safe[2].reason.find("CONCURRENTLY"), std::string::npos);
}

TEST(Planner, NamesFollowPostgres) {
  EXPECT_EQ(ChooseName("users", {"email"}, "key"), "users_email_key");
  EXPECT_EQ(ChooseName(std::string(70, 't'), {"c"}, "idx").size(), 63u);
  EXPECT_EQ(PlanIdFor("db/0005_Add users.sql"), "0005-add-users");
  EXPECT_EQ(PlanIdFor("migrations/2024-04-23-020604_add_post_id_index/up.sql"),
            "2024-04-23-020604-add-post-id-index");
  EXPECT_EQ(PlanIdFor("prisma/migrations/20250918070645_add_envelopes/migration.sql"),
            "20250918070645-add-envelopes");
  EXPECT_EQ(PlanIdFor("up.sql"), "up");
}

// As in lemmy's 2024-04-23-020604_add_post_id_index: index names longer than a stage id, alike
// for their first 56 characters.
TEST(Planner, LongStageIdsAreCutAtAWordAndStayUnique) {
  const MigrationPlan plan = Plan(
      "DROP INDEX idx_post_aggregates_featured_community_newest_comment_time;\n"
      "DROP INDEX idx_post_aggregates_featured_community_newest_comment_time_necr;\n"
      "DROP INDEX idx_post_aggregates_featured_community_active;\n"
      "DROP INDEX idx_post_aggregates_featured_community_controversy;");
  std::vector<std::string> ids;
  for (const PlannedStage& stage : plan.stages) ids.push_back(stage.id);
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "drop-index-idx-post-aggregates-featured-community-newest",
                     "drop-index-idx-post-aggregates-featured-community-newest-2",
                     "drop-index-idx-post-aggregates-featured-community-active",
                     "drop-index-idx-post-aggregates-featured-community"}));
  EXPECT_EQ(CutAtWord("drop-index-featured-community", 20), "drop-index-featured");
  EXPECT_EQ(CutAtWord("drop-index-featured-community", 19), "drop-index-featured");
  EXPECT_EQ(CutAtWord("drop-index", 20), "drop-index");
  EXPECT_EQ(CutAtWord("dropindexfeatured", 8), "dropinde");  // one word: cut where it must be
  EXPECT_EQ(PlanIdFor("m/2024-04-23-020604_add_post_id_index_to_post_aggregates_featured_"
                      "community/up.sql"),
            "2024-04-23-020604-add-post-id-index-to-post-aggregates-featured");
}

TEST(Planner, RenderedPlanPassesTheChecksOfPgshiftPlan) {
  MigrationPlan plan = Plan(
      "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a \"\\\" $$;\n"
      "ALTER TABLE users ADD COLUMN code uuid NOT NULL DEFAULT gen_random_uuid();\n"
      "DELETE FROM sessions WHERE expires_at < now();\nDROP TABLE old;");
  CheckedPlan checked = CheckPlan(std::move(plan), "plan.toml", {});
  EXPECT_TRUE(checked.errors.empty()) << checked.errors[0];
  EXPECT_TRUE(checked.plan.not_made_safe.empty()) << checked.plan.not_made_safe[0].reason << "\n"
                                                  << checked.toml;
  EXPECT_EQ(checked.plan.stages.size(), 9u) << checked.toml;
  EXPECT_NE(checked.toml.find("backfill = { table = \"sessions\", delete = true, where = "
                              "\"expires_at < now()\" }\nrollback = \"irreversible\""),
            std::string::npos)
      << checked.toml;
  EXPECT_NE(checked.toml.find("DROP FUNCTION f(integer)"), std::string::npos) << checked.toml;
}

// Every SQL file of the repository's fixtures and examples: planned without a crash, and the plan
// written passes the checks of `pgshift plan` (CheckPlan reports anything it could not explain).
TEST(Planner, EveryFixturePlansToAPlanThatPasses) {
  std::size_t files = 0, stages = 0;
  for (const char* root : {"/tests/fixtures", "/migrations-examples"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::string(PGSHIFT_SOURCE_DIR) + root)) {
      if (entry.path().extension() != ".sql") continue;
      ++files;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string sql((std::istreambuf_iterator<char>(in)), {});
      if (parser::ValidateText(sql)) continue;  // deliberately broken text: not SQL
      CheckedPlan checked =
          CheckPlan(PlanMigration(sql, entry.path().string()), "plan.toml", rules::LintSettings{});
      EXPECT_TRUE(checked.errors.empty()) << entry.path() << ": " << checked.errors[0];
      stages += checked.plan.stages.size();
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(stages, 100u);
}

TEST(Planner, TomlStringsEscape) {
  EXPECT_EQ(TomlString("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
  EXPECT_EQ(TomlString("a\nb"), "\"\"\"a\nb\"\"\"");
  EXPECT_EQ(TomlString("\x01"), "\"\\u0001\"");
}

// A statement's stages, as CheckPlan leaves them, pass; else the reason it gives.
std::string CheckFailure(MigrationPlan plan) {
  CheckedPlan checked = CheckPlan(std::move(plan), "plan.toml", {});
  if (!checked.errors.empty()) return checked.errors[0];
  if (!checked.plan.not_made_safe.empty()) return checked.plan.not_made_safe[0].reason;
  return "";
}

TEST(Planner, IndexDroppedAndBuiltAgainUnderItsNameIsBuiltBesideAndTakesTheName) {
  const MigrationPlan plan =
      Plan("DROP INDEX IF EXISTS idx_person_admin;\n"
           "CREATE INDEX idx_person_admin ON person (admin) WHERE admin;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  EXPECT_EQ(Outline(plan),
            (std::vector<std::string>{
                "expand: CREATE INDEX CONCURRENTLY idx_person_admin_new ON person USING btree "
                "(admin) WHERE admin;",
                "contract: DROP INDEX CONCURRENTLY IF EXISTS idx_person_admin;",
                "contract: ALTER INDEX idx_person_admin_new RENAME TO idx_person_admin;"}));
  EXPECT_EQ(plan.stages[0].rollback,
            std::vector<std::string>{"DROP INDEX CONCURRENTLY idx_person_admin_new"});
  EXPECT_EQ(CheckFailure(plan), "");
  // Without the drop, the name is kept as written.
  EXPECT_EQ(Outline(Plan("CREATE INDEX idx_person_admin ON person (admin);"))[0],
            "expand: CREATE INDEX CONCURRENTLY idx_person_admin ON person USING btree (admin);");
}

TEST(Planner, ConstraintDroppedAndAddedAgainUnderItsNameIsAddedBesideAndTakesTheName) {
  const MigrationPlan plan = Plan(
      "ALTER TABLE \"Signature\" DROP CONSTRAINT \"Signature_recipientId_fkey\";\n"
      "ALTER TABLE \"Signature\" ADD CONSTRAINT \"Signature_recipientId_fkey\" FOREIGN KEY "
      "(\"recipientId\") REFERENCES \"Recipient\"(id) ON DELETE CASCADE;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  const std::vector<std::string> outline = Outline(plan);
  ASSERT_EQ(outline.size(), 4u);
  EXPECT_NE(outline[0].find("ADD CONSTRAINT \"Signature_recipientId_fkey_new\" FOREIGN KEY"),
            std::string::npos)
      << outline[0];
  EXPECT_EQ(outline[1],
            "switch: ALTER TABLE \"Signature\" VALIDATE CONSTRAINT "
            "\"Signature_recipientId_fkey_new\";");
  EXPECT_EQ(outline[2],
            "contract: ALTER TABLE \"Signature\" DROP CONSTRAINT \"Signature_recipientId_fkey\";");
  EXPECT_EQ(outline[3],
            "contract: ALTER TABLE \"Signature\" RENAME CONSTRAINT "
            "\"Signature_recipientId_fkey_new\" TO \"Signature_recipientId_fkey\";");
  EXPECT_EQ(CheckFailure(plan), "");
  // A unique constraint under a dropped name is refused, not planned to fail.
  const MigrationPlan unique = Plan(
      "ALTER TABLE t DROP CONSTRAINT t_a_key;\nALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);");
  ASSERT_EQ(unique.not_made_safe.size(), 1u);
  EXPECT_EQ(unique.not_made_safe[0].line, 2);
}

TEST(Planner, ColumnAddedUnderTheNameARenameFreesComesAfterTheOldOneIsDropped) {
  const std::vector<std::string> schema = {
      "CREATE TABLE site (id serial PRIMARY KEY, description text);"};
  const MigrationPlan plan = PlanMigration(
      "ALTER TABLE site RENAME COLUMN description TO sidebar;\n"
      "ALTER TABLE site ADD COLUMN description varchar(150);",
      "m.sql", schema);
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  const std::vector<std::string> outline = Outline(plan);
  ASSERT_GE(outline.size(), 2u);
  EXPECT_EQ(outline[outline.size() - 2].rfind("contract: DROP TRIGGER", 0), 0u);
  EXPECT_EQ(outline.back(), "contract: ALTER TABLE site ADD COLUMN description varchar(150);");
  EXPECT_EQ(CheckFailure(plan), "");
  // One that would need a backfill before contract cannot be: refused, with the reason.
  const MigrationPlan not_null = PlanMigration(
      "ALTER TABLE site RENAME COLUMN description TO sidebar;\n"
      "ALTER TABLE site ADD COLUMN description text NOT NULL;",
      "m.sql", schema);
  ASSERT_EQ(not_null.not_made_safe.size(), 1u);
  EXPECT_EQ(not_null.not_made_safe[0].line, 2);
  EXPECT_NE(not_null.not_made_safe[0].reason.find("renames description to sidebar"),
            std::string::npos)
      << not_null.not_made_safe[0].reason;
}

TEST(Planner, CatalogOnlyTypeChangePassesThePlanCheck) {
  for (const std::string& type : {std::string("text"), std::string("varchar(200)")}) {
    const MigrationPlan plan =
        PlanMigration("ALTER TABLE keywords ALTER COLUMN keyword TYPE " + type + ";", "m.sql",
                      {"CREATE TABLE keywords (id serial PRIMARY KEY, keyword varchar(100));"});
    ASSERT_EQ(plan.stages.size(), 1u) << type;
    EXPECT_EQ(CheckFailure(plan), "") << type;
  }
}

TEST(Planner, RenamedColumnTakesOverTheDefaultAtContract) {
  const MigrationPlan plan = PlanMigration(
      "ALTER TABLE local_site RENAME COLUMN enable_animated_images TO animated;", "m.sql",
      {"CREATE TABLE local_site (id serial PRIMARY KEY, enable_animated_images boolean DEFAULT "
       "true NOT NULL);"});
  ASSERT_TRUE(plan.not_made_safe.empty()) << plan.not_made_safe[0].reason;
  // Not before contract: a default on the new column would win over the trigger's copy.
  EXPECT_EQ(plan.stages[0].sql[0], "ALTER TABLE local_site ADD COLUMN animated boolean");
  EXPECT_EQ(plan.stages.back().sql.back(),
            "ALTER TABLE local_site ALTER COLUMN animated SET DEFAULT true");
  EXPECT_EQ(CheckFailure(plan), "");
}

TEST(Planner, SetDefaultRollsBackToThePreviousDefault) {
  const std::string sql = "ALTER TABLE \"Field\" ALTER COLUMN height SET DEFAULT 2;";
  const MigrationPlan known = PlanMigration(
      sql, "m.sql", {"CREATE TABLE \"Field\" (id serial PRIMARY KEY, height integer DEFAULT -1);"});
  ASSERT_EQ(known.stages.size(), 1u);
  EXPECT_EQ(known.stages[0].rollback,
            std::vector<std::string>{"ALTER TABLE \"Field\" ALTER COLUMN height SET DEFAULT -1"});
  const MigrationPlan none = PlanMigration(
      sql, "m.sql", {"CREATE TABLE \"Field\" (id serial PRIMARY KEY, height integer);"});
  ASSERT_EQ(none.stages.size(), 1u);
  EXPECT_EQ(none.stages[0].rollback,
            std::vector<std::string>{"ALTER TABLE \"Field\" ALTER COLUMN height DROP DEFAULT"});
  // The migration's own earlier default counts too; unknown, the comment says so.
  const MigrationPlan twice = PlanMigration(
      "ALTER TABLE \"Field\" ALTER COLUMN height SET DEFAULT 1;\n" + sql, "m.sql",
      {"CREATE TABLE \"Field\" (id serial PRIMARY KEY, height integer);"});
  ASSERT_EQ(twice.stages.size(), 2u);
  EXPECT_EQ(twice.stages[1].rollback,
            std::vector<std::string>{"ALTER TABLE \"Field\" ALTER COLUMN height SET DEFAULT 1"});
  const MigrationPlan unknown = Plan(sql);
  ASSERT_EQ(unknown.stages.size(), 1u);
  std::string comment;
  for (const std::string& line : unknown.stages[0].comment) comment += line + " ";
  EXPECT_NE(comment.find("not known"), std::string::npos) << comment;
}

}  // namespace
}  // namespace pgshift::planner
