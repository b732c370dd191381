// planner/key_type_change.cpp and planner/key_facts.cpp: a key's type change, with the columns
// whose foreign keys reference it, planned on SQL strings.
#include <gtest/gtest.h>

#include <algorithm>

#include "parser/parsed_file.h"
#include "planner/key_facts.h"
#include "planner/plan_check.h"
#include "planner/planner.h"

namespace pgshift::planner {
namespace {

using rules::Phase;

const std::string kAccounts =
    "CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL);\n"
    "CREATE TABLE transfers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  account_id integer NOT NULL REFERENCES accounts (id), amount numeric NOT NULL);\n"
    "CREATE INDEX transfers_account_id_idx ON transfers (account_id);\n";

const std::string kBoth =
    "ALTER TABLE transfers ALTER COLUMN account_id TYPE bigint;\n"
    "ALTER TABLE accounts ALTER COLUMN id TYPE bigint;\n";

MigrationPlan PlanOn(const std::string& schema, const std::string& sql) {
  return PlanMigration(sql, "m.sql", {schema});
}

std::vector<std::string> Ids(const MigrationPlan& plan) {
  std::vector<std::string> ids;
  for (const PlannedStage& stage : plan.stages) ids.push_back(stage.id);
  return ids;
}

const PlannedStage* Stage(const MigrationPlan& plan, const std::string& id) {
  for (const PlannedStage& stage : plan.stages) {
    if (stage.id == id) return &stage;
  }
  return nullptr;
}

std::string Reasons(const MigrationPlan& plan) {
  std::string all;
  for (const NotMadeSafe& unsafe : plan.not_made_safe) all += unsafe.reason + "\n";
  return all;
}

TEST(PlannerKeySwap, KeyAndReferencingColumnAreSwappedTogether) {
  const MigrationPlan plan = PlanOn(kAccounts, kBoth);
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  EXPECT_EQ(
      Ids(plan),
      (std::vector<std::string>{
          "add-column-transfers-account-id-new", "add-column-accounts-id-new",
          "fill-transfers-account-id-new", "fill-accounts-id-new",
          "index-transfers-account-id-idx-new", "index-accounts-id-new-key",
          "add-check-transfers-account-id-new-not-null",
          "validate-transfers-account-id-new-not-null", "set-not-null-transfers-account-id-new",
          "add-check-accounts-id-new-not-null", "validate-accounts-id-new-not-null",
          "set-not-null-accounts-id-new", "add-transfers-account-id-new-fkey",
          "validate-transfers-account-id-new-fkey", "drop-check-transfers-account-id-new-not-null",
          "drop-check-accounts-id-new-not-null", "drop-constraint-transfers-account-id-fkey",
          "swap-transfers-account-id", "swap-accounts-id"}));
  const PlannedStage* fk = Stage(plan, "add-transfers-account-id-new-fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->sql, std::vector<std::string>{
                         "ALTER TABLE transfers ADD CONSTRAINT transfers_account_id_new_fkey "
                         "FOREIGN KEY (account_id_new) REFERENCES accounts (id_new) NOT VALID"});
  const PlannedStage* key = Stage(plan, "swap-accounts-id");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(
      key->sql,
      (std::vector<std::string>{
          "DROP TRIGGER accounts_sync_id_new ON accounts", "DROP FUNCTION accounts_sync_id_new()",
          "ALTER SEQUENCE accounts_id_seq AS bigint OWNED BY accounts.id_new",
          "ALTER TABLE accounts ALTER COLUMN id_new SET DEFAULT "
          "nextval('accounts_id_seq'::regclass)",
          "ALTER TABLE accounts DROP COLUMN id", "ALTER TABLE accounts RENAME COLUMN id_new TO id",
          "ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX "
          "accounts_id_new_key"}));
  const PlannedStage* referencing = Stage(plan, "swap-transfers-account-id");
  ASSERT_NE(referencing, nullptr);
  EXPECT_EQ(referencing->sql,
            (std::vector<std::string>{
                "DROP TRIGGER transfers_sync_account_id_new ON transfers",
                "DROP FUNCTION transfers_sync_account_id_new()",
                "ALTER TABLE transfers DROP COLUMN account_id",
                "ALTER TABLE transfers RENAME COLUMN account_id_new TO account_id",
                "ALTER INDEX transfers_account_id_idx_new RENAME TO transfers_account_id_idx",
                "ALTER TABLE transfers RENAME CONSTRAINT transfers_account_id_new_fkey TO "
                "transfers_account_id_fkey"}));
}

// A serial key of a table whose name needs quotes: its sequence is named in SQL as PostgreSQL
// names it, in the literal of its default too (nextval('Accounts_Id_seq') means accounts_id_seq).
TEST(PlannerKeySwap, SequenceOfAMixedCaseTableIsQuotedInItsDefault) {
  const MigrationPlan plan =
      PlanOn("CREATE TABLE \"Accounts\" (\"Id\" serial PRIMARY KEY, name text NOT NULL);\n",
             "ALTER TABLE \"Accounts\" ALTER COLUMN \"Id\" TYPE bigint;\n");
  EXPECT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  std::string all;
  for (const PlannedStage& stage : plan.stages) {
    for (const std::string& sql : stage.sql) all += sql + "\n";
  }
  EXPECT_NE(all.find("ALTER SEQUENCE \"Accounts_Id_seq\" AS bigint"), std::string::npos) << all;
  EXPECT_NE(all.find("SET DEFAULT nextval('\"Accounts_Id_seq\"'::regclass)"), std::string::npos)
      << all;
}

// Every stage before contract can be undone; the contract stages cannot, and each locks one
// table, but the drop of the old foreign key.
TEST(PlannerKeySwap, EveryStageBeforeContractHasItsRollback) {
  const MigrationPlan plan = PlanOn(kAccounts, kBoth);
  for (const PlannedStage& stage : plan.stages) {
    SCOPED_TRACE(stage.id);
    if (stage.phase == Phase::kContract) {
      EXPECT_TRUE(stage.irreversible);
      continue;
    }
    EXPECT_FALSE(stage.irreversible);
    if (!stage.backfill) {
      EXPECT_FALSE(stage.rollback.empty());
    }
  }
  const PlannedStage* validate = Stage(plan, "validate-transfers-account-id-new-fkey");
  ASSERT_NE(validate, nullptr);
  EXPECT_EQ(validate->rollback.size(), 2u);
  EXPECT_NE(validate->gate.find("p.id_new = c.account_id_new"), std::string::npos)
      << validate->gate;
}

TEST(PlannerKeySwap, PlanPassesTheChecksOfPgshiftPlan) {
  CheckedPlan checked = CheckPlan(PlanOn(kAccounts, kBoth), "plan.toml", {});
  EXPECT_TRUE(checked.errors.empty()) << checked.errors[0];
  EXPECT_TRUE(checked.plan.not_made_safe.empty()) << checked.plan.not_made_safe[0].reason << "\n"
                                                  << checked.toml;
  EXPECT_EQ(checked.plan.stages.size(), 19u) << checked.toml;
}

TEST(PlannerKeySwap, AKeyWhoseReferencingColumnKeepsItsTypeIsNotMadeSafe) {
  const MigrationPlan plan = PlanOn(kAccounts, "ALTER TABLE accounts ALTER COLUMN id TYPE bigint;");
  EXPECT_TRUE(plan.stages.empty());
  ASSERT_EQ(plan.not_made_safe.size(), 1u);
  EXPECT_NE(plan.not_made_safe[0].reason.find("foreign key transfers_account_id_fkey of transfers"),
            std::string::npos)
      << plan.not_made_safe[0].reason;
}

TEST(PlannerKeySwap, AReferencingColumnAloneGetsAForeignKeyToTheSameKey) {
  const MigrationPlan plan =
      PlanOn(kAccounts, "ALTER TABLE transfers ALTER COLUMN account_id TYPE bigint;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  const PlannedStage* fk = Stage(plan, "add-transfers-account-id-new-fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->sql[0],
            "ALTER TABLE transfers ADD CONSTRAINT transfers_account_id_new_fkey FOREIGN KEY "
            "(account_id_new) REFERENCES accounts (id) NOT VALID");
  EXPECT_EQ(Stage(plan, "swap-accounts-id"), nullptr);
}

TEST(PlannerKeySwap, APrimaryKeyNobodyReferencesKeepsItsNameAndSequence) {
  const MigrationPlan plan =
      PlanOn("CREATE TABLE events (id serial, body text, CONSTRAINT events_id PRIMARY KEY (id));",
             "ALTER TABLE events ALTER COLUMN id TYPE bigint;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  const PlannedStage* swap = Stage(plan, "swap-events-id");
  ASSERT_NE(swap, nullptr);
  EXPECT_NE(std::find(swap->sql.begin(), swap->sql.end(),
                      "ALTER TABLE events ADD CONSTRAINT events_id PRIMARY KEY USING INDEX "
                      "events_id_new_key"),
            swap->sql.end());
  EXPECT_EQ(Stage(plan, "add-events-id-new-fkey"), nullptr);
}

TEST(PlannerKeySwap, ForeignKeyActionsAndADumpsSequenceAreCarriedOver) {
  const MigrationPlan plan = PlanOn(
      "CREATE TABLE a (id integer NOT NULL DEFAULT nextval('a_id_seq'::regclass));\n"
      "CREATE SEQUENCE a_id_seq AS integer;\n"
      "ALTER SEQUENCE a_id_seq OWNED BY a.id;\n"
      "ALTER TABLE a ADD CONSTRAINT a_pkey PRIMARY KEY (id);\n"
      "CREATE TABLE b (a_id integer REFERENCES a ON DELETE CASCADE);\n",
      "ALTER TABLE b ALTER COLUMN a_id TYPE bigint;\nALTER TABLE a ALTER COLUMN id TYPE bigint;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  const PlannedStage* fk = Stage(plan, "add-b-a-id-new-fkey");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->sql[0],
            "ALTER TABLE b ADD CONSTRAINT b_a_id_new_fkey FOREIGN KEY (a_id_new) REFERENCES a "
            "(id_new) ON DELETE CASCADE NOT VALID");
  const PlannedStage* swap = Stage(plan, "swap-a-id");
  ASSERT_NE(swap, nullptr);
  EXPECT_EQ(swap->sql[2], "ALTER SEQUENCE a_id_seq AS bigint OWNED BY a.id_new");
  EXPECT_EQ(swap->sql[3],
            "ALTER TABLE a ALTER COLUMN id_new SET DEFAULT nextval('a_id_seq'::regclass)");
  // b.a_id is nullable: no NOT NULL stages for its new column.
  EXPECT_EQ(Stage(plan, "add-check-b-a-id-new-not-null"), nullptr);
}

// A column with only an index, and a unique key that is not the primary key: the same swap,
// without a foreign key; a nullable column gets no NOT NULL stages.
TEST(PlannerKeySwap, IndexedColumnsAndUniqueKeysAreSwappedToo) {
  const MigrationPlan plan = PlanOn(
      "CREATE TABLE events (id bigint PRIMARY KEY, code integer UNIQUE, count integer);\n"
      "CREATE INDEX events_count_idx ON events USING hash (count);",
      "ALTER TABLE events ALTER COLUMN count TYPE bigint;\n"
      "ALTER TABLE events ALTER COLUMN code TYPE bigint;");
  ASSERT_TRUE(plan.not_made_safe.empty()) << Reasons(plan);
  const PlannedStage* index = Stage(plan, "index-events-count-idx-new");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->sql[0],
            "CREATE INDEX CONCURRENTLY events_count_idx_new ON events USING hash (count_new)");
  const PlannedStage* count = Stage(plan, "swap-events-count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->sql.back(), "ALTER INDEX events_count_idx_new RENAME TO events_count_idx");
  const PlannedStage* code = Stage(plan, "swap-events-code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->sql.back(),
            "ALTER TABLE events ADD CONSTRAINT events_code_key UNIQUE USING INDEX "
            "events_code_new_key");
  EXPECT_EQ(Stage(plan, "add-check-events-code-new-not-null"), nullptr);
  EXPECT_EQ(plan.stages.size(), 8u);  // 2 expand, 2 backfill, 2 indexes, 2 swaps
}

// What the swap does not handle is said plainly, for both statements of the key.
TEST(PlannerKeySwap, WhatItCannotSwapIsNotMadeSafe) {
  struct Case {
    std::string schema, sql, reason;
  };
  const std::vector<Case> cases = {
      {"CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
       "ALTER TABLE t ALTER COLUMN id TYPE bigint;", "an identity column"},
      {"CREATE TABLE t (id integer PRIMARY KEY, CONSTRAINT positive CHECK (id > 0));",
       "ALTER TABLE t ALTER COLUMN id TYPE bigint;", "a CHECK constraint (positive)"},
      {"CREATE TABLE t (id integer PRIMARY KEY);",
       "ALTER TABLE t ALTER COLUMN id TYPE bigint USING id + 0;", "a USING expression"},
      {"CREATE TABLE t (id integer, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);",
       "ALTER TABLE t ALTER COLUMN id TYPE bigint;", "a partitioned table"},
      {"CREATE TABLE t (id integer, at date, PRIMARY KEY (id, at));",
       "ALTER TABLE t ALTER COLUMN id TYPE bigint;", "a key on several columns"},
      {"CREATE TABLE t (id integer PRIMARY KEY);\nCREATE INDEX t_low ON t (id) WHERE id < 10;",
       "ALTER TABLE t ALTER COLUMN id TYPE bigint;", "index t_low"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql + " on " + c.schema);
    const MigrationPlan plan = PlanOn(c.schema, c.sql);
    EXPECT_TRUE(plan.stages.empty());
    ASSERT_EQ(plan.not_made_safe.size(), 1u);
    EXPECT_NE(plan.not_made_safe[0].reason.find(c.reason), std::string::npos)
        << plan.not_made_safe[0].reason;
    EXPECT_NE(plan.not_made_safe[0].reason.find("07-change-column-type"), std::string::npos);
  }
  // A referencing column whose key cannot be swapped is not swapped either.
  const MigrationPlan both = PlanOn(
      "CREATE TABLE a (id integer PRIMARY KEY, CONSTRAINT positive CHECK (id > 0));\n"
      "CREATE TABLE b (a_id integer REFERENCES a (id));",
      "ALTER TABLE b ALTER COLUMN a_id TYPE bigint;\nALTER TABLE a ALTER COLUMN id TYPE bigint;");
  EXPECT_TRUE(both.stages.empty());
  ASSERT_EQ(both.not_made_safe.size(), 2u);
  EXPECT_NE(both.not_made_safe[0].reason.find("references a.id"), std::string::npos)
      << both.not_made_safe[0].reason;
  // Nor is a key one of whose referencing columns cannot be swapped, nor its other referencing
  // columns, whatever the order of the statements.
  const MigrationPlan spread = PlanOn(
      "CREATE TABLE a (id integer PRIMARY KEY);\n"
      "CREATE TABLE b (a_id integer REFERENCES a (id));\n"
      "CREATE TABLE c (a_id integer REFERENCES a (id), CONSTRAINT one CHECK (a_id > 0));",
      "ALTER TABLE b ALTER COLUMN a_id TYPE bigint;\nALTER TABLE a ALTER COLUMN id TYPE bigint;\n"
      "ALTER TABLE c ALTER COLUMN a_id TYPE bigint;");
  EXPECT_TRUE(spread.stages.empty());
  EXPECT_EQ(spread.not_made_safe.size(), 3u) << Reasons(spread);
  // Nor a key and a referencing column that would get different types.
  const MigrationPlan mismatch = PlanOn(
      "CREATE TABLE a (id integer PRIMARY KEY);\nCREATE TABLE b (a_id integer REFERENCES a (id));",
      "ALTER TABLE b ALTER COLUMN a_id TYPE numeric;\nALTER TABLE a ALTER COLUMN id TYPE bigint;");
  EXPECT_TRUE(mismatch.stages.empty());
  ASSERT_EQ(mismatch.not_made_safe.size(), 2u);
  EXPECT_NE(mismatch.not_made_safe[0].reason.find("which becomes bigint, not numeric"),
            std::string::npos)
      << mismatch.not_made_safe[0].reason;
}

TEST(PlannerKeySwap, KeyFactsNameWhatPostgresNames) {
  KeyFacts facts;
  const parser::ParsedFile parsed = parser::ParseSql(
      "CREATE TABLE b (id bigserial, a_id int REFERENCES a ON UPDATE RESTRICT);\n"
      "CREATE INDEX ON b (a_id);\nCREATE INDEX b_two ON b (a_id, id);\nDROP INDEX b_two;");
  for (const parser::Statement& statement : parsed.statements) facts.Learn(statement.node);
  const auto fks = facts.ForeignKeysOn({"", "b"}, "a_id");
  ASSERT_EQ(fks.size(), 1u);
  EXPECT_EQ(fks[0].name, "b_a_id_fkey");
  EXPECT_EQ(fks[0].actions, " ON UPDATE RESTRICT");
  EXPECT_EQ(facts.ReferencesTo({"", "a"}, "id", "id").size(), 1u);
  EXPECT_EQ(facts.ReferencesTo({"", "a"}, "id", "").size(), 0u);  // id is not a's primary key
  const auto indexes = facts.IndexesOn({"", "b"}, "a_id");
  ASSERT_EQ(indexes.size(), 1u);
  EXPECT_EQ(indexes[0].name, "b_a_id_idx");
  EXPECT_EQ(facts.SequenceOf({"", "b"}, "id").name, "b_id_seq");
  EXPECT_FALSE(facts.IsIdentity({"", "b"}, "id"));
}

}  // namespace
}  // namespace pgshift::planner
