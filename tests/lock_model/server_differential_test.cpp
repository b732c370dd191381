// The differential suite: every case of tests/fixtures/lock_model/cases.sql runs on the test
// binary's PostgreSQL through `pgshift trace`'s machinery (runner::TraceFile), on tables with
// rows. For each statement the lock mode the server takes on each table, whether it writes new
// storage and whether it scans the table must equal the lock model's prediction; the server's
// modes must also be the case's. A disagreement fails and names the case and the form. A guard
// fails when a form of the model was not run and agreed with on the server. docs/locks.md is
// generated from the model this suite proves.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "parser/source_text.h"
#include "rules/analysis/lock_model.h"
#include "runner/trace_file.h"
#include "tests/lock_model/lock_cases.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

using runner::TraceStatus;
using runner::Verdict;

constexpr std::string_view kWorkNames[] = {"catalog", "rows", "scan", "rewrite"};

// A tablespace directory the server's user owns, for SET TABLESPACE.
void CreateTablespace(runner::Database& admin) {
  if (Scalar(admin, "SELECT count(*) FROM pg_tablespace WHERE spcname = 'pgshift_ts'") == "1")
    return;
  const runner::SandboxInfo& server = SharedServer();
  const std::string directory = server.directory + "/pgshift_ts";
  std::filesystem::create_directories(directory);
  if (!server.user.empty()) {
    const passwd* owner = getpwnam(server.user.c_str());
    ASSERT_NE(owner, nullptr);
    ASSERT_EQ(chown(directory.c_str(), owner->pw_uid, owner->pw_gid), 0);
  }
  Sql(admin, "CREATE TABLESPACE pgshift_ts LOCATION " + admin.QuoteLiteral(directory));
}

// A fresh copy of the cases' schema.
std::string CopyOfBase(runner::Database& admin, const std::string& name) {
  Sql(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  Sql(admin, "CREATE DATABASE " + name + " TEMPLATE lm_base");
  return WithDatabase(SharedServer().url, name);
}

// Polls `query` (one row when the condition holds) until it returns a row; its first column.
std::string WaitFor(runner::Database& db, const std::string& query, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const runner::Rows rows = Sql(db, query);
    if (!rows.empty()) return rows.Scalar();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "timed out waiting for " << what;
  return "";
}

// Traces a statement that cannot run in a transaction block: a blocker holds a conflicting lock,
// so the statement waits; once the lock sampler has polled while it waits, the blocker lets go.
std::variant<runner::TraceReport, std::string> TraceBlocked(const LockCase& c,
                                                            const std::string& url,
                                                            runner::Database& traced,
                                                            const runner::TraceFileOptions& options,
                                                            const parser::SourceText& source) {
  auto blocker = ConnectTo(url);
  auto watcher = ConnectTo(url);
  if (!blocker || !watcher) return std::string("no connection");
  Sql(*blocker, "BEGIN; LOCK TABLE " + c.blocker_table + " IN " + c.blocker_mode + " MODE");
  std::variant<runner::TraceReport, std::string> result;
  std::thread trace([&] { result = runner::TraceFile(traced, source, options); });
  const std::string since = WaitFor(
      *watcher,
      "SELECT clock_timestamp()::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
      " WHERE a.application_name = 'pgshift trace' AND a.datname = current_database()"
      " AND NOT l.granted LIMIT 1",
      "the statement to wait for the blocker");
  if (!since.empty()) {
    WaitFor(*watcher,
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'pgshift trace observer'"
            " AND datname = current_database() AND state = 'idle' AND state_change > " +
                watcher->QuoteLiteral(since) + "::timestamptz",
            "the lock sampler to poll while the statement waits");
  }
  Sql(*blocker, "COMMIT");
  trace.join();
  return result;
}

// The server's strongest mode on each table, for the case's own statement.
std::map<std::string, rules::LockMode> ObservedModes(const runner::StatementObservation& o) {
  std::map<std::string, rules::LockMode> modes;
  for (const runner::ObservedLock& lock : o.locks) {
    if (!lock.relation.IsTable()) continue;
    auto [it, added] = modes.emplace(lock.relation.name.name, lock.mode);
    if (!added) it->second = std::max(it->second, lock.mode);
  }
  return modes;
}

// Runs one case and checks it; adds the forms the server agreed with to `agreed`.
void CheckCase(const LockCase& c, runner::Database& admin, const std::string& shared,
               std::set<rules::Form>& agreed, int& compared) {
  const std::string where = "cases.sql:" + std::to_string(c.line) + ": " + c.title;
  SCOPED_TRACE(where);
  const bool own_copy = !c.setup.empty() || c.outside_transaction;
  const std::string url = own_copy ? CopyOfBase(admin, "lm_case") : shared;
  auto traced = ConnectTo(url);
  ASSERT_TRUE(traced);
  Sql(*traced, "SET application_name = 'pgshift trace'; SET lock_timeout = '60s'");
  for (const std::string& setup : c.setup) Sql(*traced, setup);

  std::string text;
  for (const std::string& session : c.session) text += session + ";\n";
  text += c.statement;
  const parser::SourceText source(where, text);
  runner::TraceFileOptions options;
  options.mode.commit = c.outside_transaction;
  options.mode.observer_url = url;
  const auto result = c.outside_transaction ? TraceBlocked(c, url, *traced, options, source)
                                            : runner::TraceFile(*traced, source, options);
  ASSERT_TRUE(std::holds_alternative<runner::TraceReport>(result)) << std::get<std::string>(result);
  const runner::TraceReport& report = std::get<runner::TraceReport>(result);
  ASSERT_FALSE(report.statements.empty());
  EXPECT_EQ(report.pg_version, 15);
  const runner::TracedStatement& statement = report.statements.back();
  const runner::StatementObservation& o = statement.observation;
  ASSERT_EQ(o.status, TraceStatus::kRan) << (o.error ? o.error->message : o.reason) << "\n"
                                         << statement.sql;
  EXPECT_EQ(o.sampled, c.outside_transaction);

  // The model against the server, per table: mode, new storage, scan.
  for (const runner::TableVerdict& v : statement.verdict.tables) {
    std::string problems;
    for (const std::string& p : v.problems) problems += "\n  " + p;
    EXPECT_TRUE(v.verdict == Verdict::kAgree || (!v.predicted && v.verdict == Verdict::kUnjudged))
        << v.table.ToString() << ": " << runner::VerdictName(v.verdict) << problems;
    ++compared;
  }
  // A form counts once the server took its own mode on its table, and the table agreed.
  for (const rules::TableLock& lock : statement.predicted) {
    for (const runner::TableVerdict& v : statement.verdict.tables) {
      if (v.table.Matches(lock.table) && v.verdict == Verdict::kAgree && v.observed == lock.mode)
        agreed.insert(lock.form);
    }
  }

  // The server against the case: every table it locks beyond ACCESS SHARE is listed, in its mode.
  std::map<std::string, std::string> observed;
  for (const auto& [table, mode] : ObservedModes(o)) {
    if (mode != rules::LockMode::kAccessShare) observed[table] = rules::LockModeName(mode);
  }
  std::map<std::string, std::string> expected;
  for (const auto& [table, lock] : c.expected) expected[table] = lock.substr(0, lock.rfind(' '));
  EXPECT_EQ(observed, expected);
  // And the work: a case's rewrite is new storage on the server (the model's verdict above holds
  // both ways, and for scans).
  for (const auto& [table, lock] : c.expected) {
    const std::string work = lock.substr(lock.rfind(' ') + 1);
    EXPECT_NE(std::find(std::begin(kWorkNames), std::end(kWorkNames), work), std::end(kWorkNames))
        << table << ": " << work;
    const std::string& name = table;  // clang before 16 cannot capture a structured binding
    const bool rewritten =
        std::any_of(o.new_storage.begin(), o.new_storage.end(),
                    [&](const runner::TracedRelation& r) { return r.name.name == name; });
    if (work == "rewrite") {
      EXPECT_TRUE(rewritten) << table << " was not rewritten";
    }
  }
}

TEST(LockModelOnServer, EveryFormAgreesWithTheModel) {
  const LockCases cases = ReadLockCases();
  ASSERT_EQ(cases.error, "");
  ASSERT_GE(cases.cases.size(), 100u);
  auto admin = ConnectTo(SharedServer().url);
  ASSERT_TRUE(admin);
  CreateTablespace(*admin);
  if (HasFatalFailure()) return;
  Sql(*admin, "DROP DATABASE IF EXISTS lm_base WITH (FORCE)");
  Sql(*admin, "CREATE DATABASE lm_base");
  {
    auto base = ConnectTo(WithDatabase(SharedServer().url, "lm_base"));
    ASSERT_TRUE(base);
    Sql(*base, cases.base);
  }
  // A case without setup that runs in a transaction is rolled back: such cases share a copy.
  const std::string shared = CopyOfBase(*admin, "lm_shared");

  std::set<rules::Form> agreed;  // forms the server ran and agreed with
  int compared = 0;
  for (const LockCase& c : cases.cases) CheckCase(c, *admin, shared, agreed, compared);
  EXPECT_GE(compared, 100);

  // The guard: every form of the model ran on the server and agreed.
  std::set<rules::Form> forms;
  for (const rules::LockEntry& entry : rules::LockTable()) {
    if (!forms.insert(entry.form).second) continue;
    EXPECT_TRUE(agreed.count(entry.form) > 0)
        << "no case runs `" << entry.sql << "` on the server and agrees with the model";
  }
  Sql(*admin, "DROP DATABASE IF EXISTS lm_case WITH (FORCE)");
  Sql(*admin, "DROP DATABASE IF EXISTS lm_shared WITH (FORCE)");
  Sql(*admin, "DROP DATABASE IF EXISTS lm_base WITH (FORCE)");
}

}  // namespace
}  // namespace pgshift::testing
