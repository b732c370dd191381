// Recording a stage as interrupted, in process, with the runner's own signal handling: a cancel
// request that reaches the server late may cancel that record (it is tried again), and a record
// that cannot be written is reported, never dropped.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runner/executor.h"
#include "runner/interrupt.h"
#include "tests/runner/runner_test_support.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

const char* const kSleepyPlan =
    "id = \"sleepy\"\n[[stage]]\nid = \"nap\"\nphase = \"expand\"\n"
    "sql = \"SELECT pg_sleep(60)\"\nrollback = []\n";

bool IsInterruptionRecord(std::string_view sql) {
  return sql.rfind("UPDATE pgshift.stages SET status = 'interrupted'", 0) == 0;
}

// The real session, except that the interruption record fails as `failure` says: the first
// `times` attempts (all of them when negative).
class FailingRecord final : public runner::Database {
 public:
  FailingRecord(std::unique_ptr<runner::Database> db, runner::DbError failure, int times)
      : db_(std::move(db)), failure_(std::move(failure)), times_(times) {}

  runner::DbResult<runner::Rows> Exec(std::string_view sql) override {
    if (IsInterruptionRecord(sql)) {
      ++attempts;
      if (times_ < 0 || attempts <= times_) return failure_;
    }
    return db_->Exec(sql);
  }
  std::string QuoteIdent(std::string_view name) override { return db_->QuoteIdent(name); }
  std::string QuoteLiteral(std::string_view value) override { return db_->QuoteLiteral(value); }
  int BackendPid() override { return db_->BackendPid(); }
  bool Connected() override { return db_->Connected(); }
  void Cancel() override { db_->Cancel(); }

  std::atomic<int> attempts{0};

 private:
  std::unique_ptr<runner::Database> db_;
  runner::DbError failure_;
  int times_;
};

class InterruptionRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    runner::InstallInterruptHandlers();
    runner::ResetInterrupt();
    url_ = FreshDatabase();
    admin_ = ConnectTo(url_);
    ASSERT_TRUE(admin_);
  }
  void TearDown() override {
    if (signaller_.joinable()) signaller_.join();
    runner::ResetInterrupt();
  }

  // Runs the sleepy plan on `db` and sends this process SIGINT once the sleep is under way.
  runner::Outcome RunAndInterrupt(runner::Database& db) {
    const CheckedPlan p = PlanFrom(kSleepyPlan);
    events_.on_event = [&](const runner::RunEvent& e) {
      if (e.kind != "stage-started") return;
      signaller_ = std::thread([this] {
        for (int i = 0; i < 500 && Sleeping() == "0"; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        kill(getpid(), SIGINT);
      });
    };
    return runner::RunPlan(db, p.plan, p.review, QuickSettings(), {1, false}, events_);
  }
  std::string Sleeping() {
    auto other = ConnectTo(url_);
    return Scalar(*other,
                  "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' "
                  "AND state = 'active'");
  }
  std::string Status() { return Scalar(*admin_, "SELECT status FROM pgshift.stages"); }
  std::unique_ptr<FailingRecord> Session(runner::DbError failure, int times) {
    auto db = ConnectTo(url_);
    if (!db) return nullptr;
    return std::make_unique<FailingRecord>(std::move(db), std::move(failure), times);
  }

  std::string url_;
  std::unique_ptr<runner::Database> admin_;
  Recorder events_;
  std::thread signaller_;
};

const runner::DbError kLateCancel{"57014", "ERROR:  canceling statement due to user request"};

TEST_F(InterruptionRecord, ALateCancelOnTheRecordIsTriedAgain) {
  auto db = Session(kLateCancel, 1);
  ASSERT_TRUE(db);
  const runner::Outcome outcome = RunAndInterrupt(*db);
  EXPECT_EQ(outcome.interrupted, SIGINT) << outcome.message;
  EXPECT_EQ(db->attempts.load(), 2);
  EXPECT_EQ(Status(), "interrupted");
  EXPECT_EQ(outcome.message.find("could not be recorded"), std::string::npos) << outcome.message;
}

TEST_F(InterruptionRecord, ARecordThatCannotBeWrittenIsReported) {
  auto db = Session({"55P03", "ERROR:  canceling statement due to lock timeout"}, -1);
  ASSERT_TRUE(db);
  const runner::Outcome outcome = RunAndInterrupt(*db);
  EXPECT_EQ(outcome.interrupted, SIGINT) << outcome.message;
  EXPECT_EQ(db->attempts.load(), 1) << "only a cancel is worth another attempt";
  EXPECT_EQ(Status(), "running");
  EXPECT_TRUE(events_.Has("stage-interrupted",
                          "could not be recorded in the ledger (ERROR:  "
                          "canceling statement due to lock timeout)"));
  EXPECT_NE(outcome.message.find("still shows the stage as running"), std::string::npos)
      << outcome.message;
}

TEST_F(InterruptionRecord, CancelsThatNeverStopAreNotTriedForever) {
  auto db = Session(kLateCancel, -1);
  ASSERT_TRUE(db);
  const runner::Outcome outcome = RunAndInterrupt(*db);
  EXPECT_EQ(outcome.interrupted, SIGINT) << outcome.message;
  EXPECT_EQ(db->attempts.load(), 3);
  EXPECT_EQ(Status(), "running");
  EXPECT_NE(outcome.message.find("could not be recorded"), std::string::npos) << outcome.message;
}

}  // namespace
}  // namespace pgshift::testing
