// The runner's execution against a real server: ledger, locks, retries, gates, fingerprints.
#include "runner/executor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runner/ledger.h"
#include "runner/rollback.h"
#include "runner/session.h"
#include "tests/runner/runner_test_support.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

using runner::Database;

const char* kPlan = R"toml(
id = "users-email"
[[stage]]
id = "add-column"
phase = "expand"
sql = ["ALTER TABLE users ADD COLUMN email_address text", "CREATE INDEX CONCURRENTLY users_name_idx ON users (name)"]
rollback = ["DROP INDEX CONCURRENTLY users_name_idx", "ALTER TABLE users DROP COLUMN email_address"]
[[stage]]
id = "copy"
phase = "backfill"
backfill = { table = "users", set = "email_address = email", where = "email_address IS DISTINCT FROM email" }
rollback = []
[[stage]]
id = "require"
phase = "switch"
gate = "SELECT NOT EXISTS (SELECT 1 FROM users WHERE email_address IS NULL)"
sql = "ALTER TABLE users ADD CONSTRAINT email_address_present CHECK (email_address IS NOT NULL) NOT VALID"
rollback = "ALTER TABLE users DROP CONSTRAINT email_address_present"
[[stage]]
id = "validate"
phase = "switch"
sql = "ALTER TABLE users VALIDATE CONSTRAINT email_address_present"
rollback = []
[[stage]]
id = "drop-email"
phase = "contract"
sql = "ALTER TABLE users DROP COLUMN email"
rollback = "irreversible"
)toml";

class Executor : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_,
        "CREATE TABLE users (id int PRIMARY KEY, name text, email text);"
        "INSERT INTO users SELECT i, 'n' || i, 'e' || i FROM generate_series(1, 2500) i");
  }
  runner::Outcome Run(const CheckedPlan& p, std::size_t through, bool force = false,
                      runner::RunSettings settings = QuickSettings()) {
    return runner::RunPlan(*db_, p.plan, p.review, settings, {through, force}, events_);
  }
  std::string Status(const std::string& stage) {
    return Scalar(*db_, "SELECT status FROM pgshift.stages WHERE stage_id = '" + stage + "'");
  }
  std::string url_;
  std::unique_ptr<Database> db_;
  Recorder events_;
};

TEST_F(Executor, RunsThroughSwitchByDefaultAndLeavesContractAlone) {
  const CheckedPlan p = PlanFrom(kPlan);
  const auto through = runner::ResolveThrough(p.plan, "");
  ASSERT_EQ(std::get<std::size_t>(through), 4u);
  const runner::Outcome outcome = Run(p, 4);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM users WHERE email_address = email"), "2500");
  EXPECT_EQ(Status("add-column"), "done");
  EXPECT_EQ(Status("copy"), "done");
  EXPECT_EQ(Status("require"), "done");
  EXPECT_EQ(Status("validate"), "done");
  EXPECT_EQ(Status("drop-email"), "pending");
  EXPECT_EQ(
      Scalar(*db_, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'email'"),
      "1");
  EXPECT_EQ(Scalar(*db_, "SELECT rows_done FROM pgshift.stages WHERE stage_id = 'copy'"), "2500");
  // Each checkpoint differs from the one before: the stage changed the catalog.
  EXPECT_NE(Scalar(*db_, "SELECT fingerprint FROM pgshift.stages WHERE stage_id = 'add-column'"),
            Scalar(*db_, "SELECT baseline_fingerprint FROM pgshift.plans"));
  // A second run finds everything done and changes nothing.
  events_.events.clear();
  ASSERT_TRUE(Run(p, 4).ok);
  EXPECT_EQ(events_.Count("stage-started"), 0);
  EXPECT_TRUE(events_.Has("note", "already done"));
}

TEST_F(Executor, AFailingStatementLeavesNeitherWorkNorLedgerBehind) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "half"
[[stage]]
id = "two"
phase = "expand"
sql = ["ALTER TABLE users ADD COLUMN a int", "ALTER TABLE users ADD COLUMN a int"]
rollback = "ALTER TABLE users DROP COLUMN a"
)toml");
  const runner::Outcome outcome = Run(p, 1);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("already exists"), std::string::npos) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'a'"),
            "0");
  EXPECT_EQ(Status("two"), "failed");
  EXPECT_EQ(Scalar(*db_, "SELECT steps_done FROM pgshift.stages WHERE stage_id = 'two'"), "0");
}

TEST_F(Executor, ASecondRunnerIsRefusedNamingTheHolder) {
  const CheckedPlan p = PlanFrom(kPlan);
  auto other = ConnectTo(url_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(runner::EnsureLedger(*other) == std::nullopt);
  const auto locked = runner::LockPlan(*other, "users-email");
  ASSERT_FALSE(std::get<std::optional<std::string>>(locked).has_value());
  const runner::Outcome outcome = Run(p, 1);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("already being run by server pid " +
                                 std::to_string(other->BackendPid())),
            std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("connected since"), std::string::npos);
  EXPECT_EQ(
      Scalar(*db_,
             "SELECT count(*) FROM information_schema.columns WHERE column_name = 'email_address'"),
      "0");
}

TEST_F(Executor, AChangedPlanIsRefusedUnlessForced) {
  ASSERT_TRUE(Run(PlanFrom(kPlan), 1).ok);
  std::string changed = kPlan;
  changed.replace(changed.find("email_address text"), 18, "email_address varchar");
  const CheckedPlan p = PlanFrom(changed);
  const runner::Outcome refused = Run(p, 2);
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.message.find("changed since its stages ran"), std::string::npos)
      << refused.message;
  EXPECT_EQ(Status("copy"), "pending");
  EXPECT_TRUE(Run(p, 2, true).ok);
  EXPECT_EQ(Status("copy"), "done");
}

TEST_F(Executor, AFailingGateStopsBeforeTheStage) {
  const CheckedPlan p = PlanFrom(kPlan);
  ASSERT_TRUE(Run(p, 2).ok);
  Sql(*db_, "INSERT INTO users (id, name, email) VALUES (9999, 'late', NULL)");
  const runner::Outcome outcome = Run(p, 3);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("gate returned `f`"), std::string::npos) << outcome.message;
  EXPECT_EQ(Status("require"), "failed");
  EXPECT_EQ(
      Scalar(*db_, "SELECT count(*) FROM pg_constraint WHERE conname = 'email_address_present'"),
      "0");
  Sql(*db_, "UPDATE users SET email_address = 'x' WHERE id = 9999");
  EXPECT_TRUE(Run(p, 3).ok);
  EXPECT_EQ(Status("require"), "done");
}

TEST_F(Executor, ALockHolderIsRetriedThenNamed) {
  const CheckedPlan p = PlanFrom(kPlan);
  auto blocker = ConnectTo(url_);
  ASSERT_TRUE(blocker);
  Sql(*blocker, "BEGIN; SELECT count(*) FROM users /* the long report */");
  const runner::Outcome outcome = Run(p, 1);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("gave up on statement 1 of stage `add-column` after 3 attempts"),
            std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find(IdleBlockerName(*blocker)), std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("the long report"), std::string::npos);
  EXPECT_EQ(events_.Count("lock-retry"), 3);
  EXPECT_EQ(Status("add-column"), "failed");
  Sql(*blocker, "COMMIT");
  EXPECT_TRUE(Run(p, 1).ok);
}

// While the runner waits for a lock, the application's queries queue behind it, but never for
// longer than the lock timeout: an application statement_timeout of twice that never fires.
TEST_F(Executor, ApplicationQueriesNeverWaitLongerThanTheLockTimeout) {
  const CheckedPlan p = PlanFrom(kPlan);
  auto blocker = ConnectTo(url_);
  auto app = ConnectTo(url_);
  ASSERT_TRUE(blocker && app);
  Sql(*blocker, "BEGIN; SELECT count(*) FROM users");
  Sql(*app, "SET statement_timeout = 400");  // twice the runner's lock timeout
  runner::RunSettings settings = QuickSettings();
  settings.retries = 4;
  std::thread runner_thread([&] { Run(p, 1, false, settings); });
  int queries = 0, cancelled = 0;
  for (auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
       std::chrono::steady_clock::now() < end; ++queries) {
    auto result = app->Exec("SELECT count(*) FROM users");
    if (const auto* error = runner::ErrorOf(result)) cancelled += error->StatementTimeout();
  }
  runner_thread.join();
  Sql(*blocker, "COMMIT");
  EXPECT_GT(queries, 3);
  EXPECT_EQ(cancelled, 0) << "an application query waited longer than twice the lock timeout";
  EXPECT_GE(events_.Count("lock-retry"), 2) << "the runner was not actually blocked";
}

// A circle of waits: the application holds transfers and queues for accounts behind the runner,
// which then asks for transfers. PostgreSQL cancels whichever waiter first runs its deadlock
// check, deadlock_timeout (1 s) after it began waiting: the application, which waited first,
// unless the runner's lock timeout ends its own wait sooner. With the default lock timeout it
// does, by a wide margin; with a lock timeout equal to deadlock_timeout it never would.
TEST_F(Executor, TheDefaultLockTimeoutGivesUpBeforeTheApplicationIsCancelledAsADeadlock) {
  Sql(*db_, "CREATE TABLE accounts (id int PRIMARY KEY); CREATE TABLE transfers (id int)");
  const CheckedPlan p = PlanFrom(R"toml(
id = "two-tables"
[[stage]]
id = "both"
phase = "expand"
sql = ["ALTER TABLE accounts ADD COLUMN note text", "SELECT pg_sleep(0.2)",
       "ALTER TABLE transfers ADD COLUMN note text"]
rollback = ["ALTER TABLE transfers DROP COLUMN note", "ALTER TABLE accounts DROP COLUMN note"]
)toml");
  auto app = ConnectTo(url_);
  auto watcher = ConnectTo(url_);
  ASSERT_TRUE(app && watcher);
  EXPECT_EQ(Scalar(*watcher, "SHOW deadlock_timeout"), "1s");
  Sql(*app, "BEGIN; SELECT count(*) FROM transfers");
  runner::Outcome outcome;
  std::thread runner_thread([&] {
    outcome = runner::RunPlan(*db_, p.plan, p.review, runner::RunSettings{}, {1, false}, events_);
  });
  // Once the runner holds accounts, the application asks for it, and waits first.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Scalar(*watcher,
                "SELECT count(*) FROM pg_locks WHERE relation = 'accounts'::regclass "
                "AND mode = 'AccessExclusiveLock' AND granted") != "1" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto read = app->Exec("SELECT count(*) FROM accounts");
  const runner::DbError* cancelled = runner::ErrorOf(read);
  const std::string reason = cancelled ? cancelled->message : "";
  app->Exec(cancelled ? "ROLLBACK" : "COMMIT");
  runner_thread.join();
  EXPECT_EQ(cancelled, nullptr) << "the application's query was cancelled: " << reason;
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_GE(events_.Count("lock-retry"), 1) << "the runner never waited for transfers";
}

// What a DO block or a function body holds runs with it, not a second time on its own.
TEST_F(Executor, StatementsInsideABodyRunOnlyAsPartOfIt) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "bodies"
[[stage]]
id = "audit"
phase = "expand"
sql = ["DO $$ BEGIN CREATE TABLE audit (id int); END $$",
       "CREATE FUNCTION make_log() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE log (id int); END $$"]
rollback = ["DROP FUNCTION make_log()", "DROP TABLE audit"]
)toml");
  const runner::Outcome outcome = Run(p, 1);
  ASSERT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_class WHERE relname IN ('audit', 'log')"), "1");
  const runner::Outcome rolled_back =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {}, events_);
  EXPECT_TRUE(rolled_back.ok) << rolled_back.message;
}

TEST_F(Executor, AnInvalidIndexFromAFailedBuildIsDroppedBeforeTheRetry) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "unique-name"
[[stage]]
id = "index"
phase = "expand"
sql = "CREATE UNIQUE INDEX CONCURRENTLY users_name_key ON users (name)"
rollback = "DROP INDEX CONCURRENTLY users_name_key"
)toml");
  Sql(*db_, "UPDATE users SET name = 'dup' WHERE id IN (1, 2)");
  const runner::Outcome failed = Run(p, 1);
  EXPECT_FALSE(failed.ok);
  EXPECT_NE(failed.message.find("could not create unique index"), std::string::npos)
      << failed.message;
  // Cleanup after the failure leaves no INVALID index behind for the application to pay for.
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_class WHERE relname = 'users_name_key'"), "0");
  // A failed build the runner did not see (a crash) leaves one: the next run drops it first.
  Sql(*db_, "UPDATE users SET name = 'n1' WHERE id = 1");
  Sql(*db_,
      "CREATE INDEX users_name_key ON users (name); UPDATE pg_index SET indisvalid = false "
      "WHERE indexrelid = 'users_name_key'::regclass");
  const runner::Outcome ok = Run(p, 1);
  ASSERT_TRUE(ok.ok) << ok.message;
  EXPECT_TRUE(events_.Has("note", "dropping the INVALID index users_name_key"));
  EXPECT_EQ(Scalar(*db_,
                   "SELECT indisvalid AND indisunique FROM pg_index WHERE indexrelid = "
                   "'users_name_key'::regclass"),
            "t");
}

// A rollback whose DROP INDEX CONCURRENTLY finds the index gone says so, and claims no
// interruption: none happened.
TEST_F(Executor, ARollbackThatFindsItsIndexGoneSaysWhatItFound) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "index-gone"
[[stage]]
id = "index"
phase = "expand"
sql = "CREATE INDEX CONCURRENTLY users_name_idx ON users (name)"
rollback = "DROP INDEX CONCURRENTLY users_name_idx"
)toml");
  ASSERT_TRUE(Run(p, 1).ok);
  Sql(*db_, "DROP INDEX users_name_idx");
  const runner::Outcome back = runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(),
                                                    {"", false, true}, events_);
  ASSERT_TRUE(back.ok) << back.message;
  EXPECT_TRUE(events_.Has("note", "skipped: the index users_name_idx is absent already"));
  EXPECT_FALSE(events_.Has("note", "interruption"));
}

TEST_F(Executor, StatementTimeoutStopsALongStatement) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "slow"
[[stage]]
id = "sleep"
phase = "expand"
sql = "SELECT pg_sleep(5)"
rollback = []
)toml");
  runner::RunSettings settings = QuickSettings();
  settings.statement_timeout = runner::Millis(300);
  const runner::Outcome outcome = Run(p, 1, false, settings);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("statement timeout"), std::string::npos) << outcome.message;
}

TEST_F(Executor, RollbackProvesTheFingerprint) {
  const CheckedPlan p = PlanFrom(kPlan);
  const std::string before = Scalar(*db_,
                                    "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM "
                                    "information_schema.columns WHERE table_name = 'users'");
  ASSERT_TRUE(Run(p, 4).ok);
  runner::Outcome partial =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {"copy", false}, events_);
  ASSERT_TRUE(partial.ok) << partial.message;
  EXPECT_NE(partial.message.find("matches the checkpoint of `copy`"), std::string::npos);
  EXPECT_EQ(Status("require"), "rolled back");
  EXPECT_EQ(Status("validate"), "rolled back");
  EXPECT_EQ(Status("copy"), "done");
  runner::Outcome all =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {"", false}, events_);
  ASSERT_TRUE(all.ok) << all.message;
  EXPECT_NE(all.message.find("matches the baseline"), std::string::npos);
  EXPECT_EQ(Scalar(*db_,
                   "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM "
                   "information_schema.columns WHERE table_name = 'users'"),
            before);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_indexes WHERE indexname = 'users_name_idx'"),
            "0");
  // Run again after a full rollback: a fresh start.
  ASSERT_TRUE(Run(p, 4).ok);
}

TEST_F(Executor, RollbackSaysExactlyWhatDiffers) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "leaky"
[[stage]]
id = "add"
phase = "expand"
sql = ["ALTER TABLE users ADD COLUMN a int", "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x'"]
rollback = "ALTER TABLE users DROP COLUMN a"
)toml");
  ASSERT_TRUE(Run(p, 1).ok);
  const runner::Outcome outcome =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {}, events_);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("- users: column name text null\n"), std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("+ users: column name text null default 'x'::text"),
            std::string::npos)
      << outcome.message;
}

TEST_F(Executor, AFailingRollbackStatementKeepsTheStageApplied) {
  const CheckedPlan p = PlanFrom(R"toml(
id = "bad-rollback"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE users ADD COLUMN a int"
rollback = ["ALTER TABLE users DROP COLUMN a", "ALTER TABLE users DROP COLUMN no_such_column"]
)toml");
  ASSERT_TRUE(Run(p, 1).ok);
  const runner::Outcome outcome =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {}, events_);
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.message.find("no_such_column"), std::string::npos) << outcome.message;
  EXPECT_EQ(Status("add"), "done");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'a'"),
            "1");
}

TEST_F(Executor, ContractIsRunOnlyWhenAskedAndNeverUndone) {
  const CheckedPlan p = PlanFrom(kPlan);
  ASSERT_TRUE(Run(p, 5).ok);
  EXPECT_TRUE(events_.Has("note", "cannot be undone"));
  EXPECT_EQ(Status("drop-email"), "done");
  const runner::Outcome refused =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {}, events_);
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.message.find("`drop-email` (contract) has run and cannot be undone"),
            std::string::npos);
  EXPECT_EQ(Status("require"), "done");
  const runner::Outcome nothing =
      runner::RollbackPlan(*db_, p.plan, p.review, QuickSettings(), {"drop-email", false}, events_);
  EXPECT_TRUE(nothing.ok) << nothing.message;
}

}  // namespace
}  // namespace pgshift::testing
