// Checkpoints against a real server: what the fingerprint covers beyond tables, and the runner's
// own queries (the baseline, the ledger) waiting for locks as its statements do.
#include <gtest/gtest.h>

#include "runner/executor.h"
#include "runner/fingerprint.h"
#include "runner/rollback.h"
#include "tests/runner/runner_test_support.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

using runner::CatalogObjects;
using runner::Fingerprint;

class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_,
        "CREATE TABLE users (id int PRIMARY KEY, name text);"
        "INSERT INTO users SELECT i, 'n' || i FROM generate_series(1, 100) i");
  }
  Fingerprint Take(const CatalogObjects& objects) {
    auto taken = runner::TakeFingerprint(*db_, objects);
    if (const auto* error = runner::ErrorOf(taken)) {
      ADD_FAILURE() << error->message;
      return {};
    }
    return std::get<Fingerprint>(taken);
  }
  runner::Outcome Run(const CheckedPlan& p, std::size_t through) {
    return runner::RunPlan(*db_, p.plan, p.review, QuickSettings(), {through, false}, events_);
  }
  runner::Outcome Rollback(const CheckedPlan& p) {
    return runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {}, events_);
  }
  std::string Detail(const Fingerprint& f) { return f.Detail(); }

  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Recorder events_;
};

TEST_F(Checkpoint, FunctionsViewsSequencesAndTypesAreFingerprinted) {
  Sql(*db_,
      "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42';"
      "CREATE FUNCTION answer(x int) RETURNS int LANGUAGE sql AS 'SELECT x';"
      "CREATE VIEW named AS SELECT id, name FROM users;"
      "CREATE SEQUENCE ticket_no;"
      "CREATE TYPE mood AS ENUM ('ok', 'great');"
      "CREATE DOMAIN positive AS int CHECK (VALUE > 0)");
  CatalogObjects objects;
  objects.functions = {"answer"};
  objects.views = {"named"};
  objects.sequences = {"ticket_no"};
  objects.types = {"mood", "positive"};
  const Fingerprint before = Take(objects);
  const std::string detail = Detail(before);
  EXPECT_NE(detail.find("answer: function answer() definition md5 "), std::string::npos) << detail;
  EXPECT_NE(detail.find("answer: function answer(integer) definition md5 "), std::string::npos);
  EXPECT_NE(detail.find("named: view definition md5 "), std::string::npos) << detail;
  EXPECT_NE(detail.find("named: column name text null"), std::string::npos) << detail;
  EXPECT_NE(detail.find("ticket_no: sequence bigint start 1 increment 1"), std::string::npos);
  EXPECT_NE(detail.find("mood: type labels 'ok', 'great'"), std::string::npos) << detail;
  EXPECT_NE(detail.find("positive: type domain over integer"), std::string::npos) << detail;
  EXPECT_NE(detail.find("positive: type constraint positive_check CHECK ((VALUE > 0))"),
            std::string::npos)
      << detail;

  // Each change shows, and undoing it gives the same fingerprint again.
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 43'",
       "CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'"},
      {"DROP FUNCTION answer(int)",
       "CREATE FUNCTION answer(x int) RETURNS int LANGUAGE sql AS 'SELECT x'"},
      {"CREATE OR REPLACE VIEW named AS SELECT id, name FROM users WHERE id > 0",
       "CREATE OR REPLACE VIEW named AS SELECT id, name FROM users"},
      {"ALTER SEQUENCE ticket_no INCREMENT BY 10", "ALTER SEQUENCE ticket_no INCREMENT BY 1"},
      {"ALTER TYPE mood RENAME VALUE 'great' TO 'fine'",
       "ALTER TYPE mood RENAME VALUE 'fine' TO 'great'"},
      {"ALTER DOMAIN positive SET NOT NULL", "ALTER DOMAIN positive DROP NOT NULL"},
  };
  for (const auto& [change, undo] : changes) {
    Sql(*db_, change);
    EXPECT_NE(Take(objects).hash, before.hash) << change;
    Sql(*db_, undo);
    EXPECT_EQ(Take(objects).hash, before.hash) << undo;
  }
  // Using a sequence is not a change of the schema.
  Sql(*db_, "SELECT nextval('ticket_no')");
  EXPECT_EQ(Take(objects).hash, before.hash);

  Sql(*db_, "DROP FUNCTION answer(); DROP FUNCTION answer(int); DROP TYPE mood");
  const std::string gone = Detail(Take(objects));
  EXPECT_NE(gone.find("answer: no function\n"), std::string::npos) << gone;
  EXPECT_NE(gone.find("mood: no type\n"), std::string::npos) << gone;
}

const char* kFunctionPlan = R"toml(
id = "audit-names"
[[stage]]
id = "add-trigger"
phase = "expand"
sql = [
  """CREATE FUNCTION users_audit_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name := coalesce(NEW.name, 'unnamed');
  RETURN NEW;
END $$""",
  "CREATE TRIGGER users_audit_name BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_audit_name()",
]
rollback = ["DROP TRIGGER users_audit_name ON users", "DROP FUNCTION users_audit_name()"]
)toml";

TEST_F(Checkpoint, AStageThatCreatesAFunctionChangesTheFingerprintAndRollbackRestoresIt) {
  const CheckedPlan p = PlanFrom(kFunctionPlan);
  EXPECT_EQ(p.review.objects.functions, std::vector<std::string>{"users_audit_name"});
  ASSERT_TRUE(Run(p, 1).ok);
  const std::string stage =
      Scalar(*db_, "SELECT fingerprint_detail FROM pgshift.stages WHERE stage_id = 'add-trigger'");
  const std::string baseline = Scalar(*db_, "SELECT baseline_detail FROM pgshift.plans");
  EXPECT_NE(stage.find("users_audit_name: function users_audit_name() definition md5 "),
            std::string::npos)
      << stage;
  EXPECT_NE(baseline.find("users_audit_name: no function"), std::string::npos) << baseline;
  const runner::Outcome rolled_back = Rollback(p);
  EXPECT_TRUE(rolled_back.ok) << rolled_back.message;
  EXPECT_NE(rolled_back.message.find("matches the baseline"), std::string::npos);
}

TEST_F(Checkpoint, ARollbackThatLeavesAFunctionBehindIsNotProved) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "leaves-a-function"
[[stage]]
id = "add-function"
phase = "expand"
sql = "CREATE FUNCTION users_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users'"
rollback = []
)toml");
  ASSERT_TRUE(Run(p, 1).ok);
  const runner::Outcome outcome = Rollback(p);
  EXPECT_FALSE(outcome.ok) << outcome.message;
  EXPECT_NE(outcome.message.find("- users_count: no function"), std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("+ users_count: function users_count() definition md5 "),
            std::string::npos)
      << outcome.message;
}

// Reading a table's catalog state waits behind an ACCESS EXCLUSIVE lock on it (PostgreSQL 15
// locks the table to deparse its defaults and indexes), so the first such read (the preflight
// check, before the baseline) is retried and the blocker named, as for a statement.
TEST_F(Checkpoint, ABlockedBaselineIsRetriedThenNamesTheBlocker) {
  const CheckedPlan p = PlanFrom(kFunctionPlan);
  auto blocker = ConnectTo(url_);
  ASSERT_TRUE(blocker);
  Sql(*blocker, "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE /* the nightly job */");
  const runner::Outcome outcome = Run(p, 1);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find(
                "gave up on reading the catalog for the preflight check after 3 attempts"),
            std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find(IdleBlockerName(*blocker)), std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("AccessExclusiveLock on users"), std::string::npos);
  EXPECT_NE(outcome.message.find("the nightly job"), std::string::npos);
  EXPECT_EQ(events_.Count("lock-retry"), 3);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pgshift.plans"), "0") << "it went past preflight";
  Sql(*blocker, "COMMIT");
  const runner::Outcome after = Run(p, 1);
  EXPECT_TRUE(after.ok) << after.message;
}

TEST_F(Checkpoint, ABlockedLedgerIsRetriedThenNamesTheBlocker) {
  const CheckedPlan p = PlanFrom(kFunctionPlan);
  ASSERT_TRUE(Run(p, 1).ok);
  auto blocker = ConnectTo(url_);
  ASSERT_TRUE(blocker);
  Sql(*blocker, "BEGIN; LOCK TABLE pgshift.stages IN ACCESS EXCLUSIVE MODE");
  const runner::Outcome run = Run(p, 1);
  EXPECT_FALSE(run.ok);
  EXPECT_NE(run.message.find("gave up on reading the ledger after 3 attempts"), std::string::npos)
      << run.message;
  EXPECT_NE(run.message.find("pid " + std::to_string(blocker->BackendPid()) + " ("),
            std::string::npos)
      << run.message;
  EXPECT_NE(run.message.find("AccessExclusiveLock on pgshift.stages"), std::string::npos)
      << run.message;
  const runner::Outcome rollback = Rollback(p);
  EXPECT_FALSE(rollback.ok);
  EXPECT_NE(rollback.message.find("gave up on reading the ledger"), std::string::npos)
      << rollback.message;
  Sql(*blocker, "COMMIT");
  const runner::Outcome after = Rollback(p);
  EXPECT_TRUE(after.ok) << after.message;
}

}  // namespace
}  // namespace pgshift::testing
