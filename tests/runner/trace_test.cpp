// `pgshift trace` on the test binary's PostgreSQL: what it observes, what it leaves behind in each
// mode, and the command end to end (exit codes, JSON, the sandbox, passwords never printed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runner/schema_ddl.h"
#include "runner/trace_file.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;
using runner::TraceStatus;
using runner::Verdict;

constexpr const char* kSchema =
    "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), n int);"
    "INSERT INTO users SELECT g, 'u' || g, g FROM generate_series(1, 500) g;"
    "CREATE FUNCTION lock_users() RETURNS void LANGUAGE plpgsql AS"
    " $$ BEGIN EXECUTE 'LOCK TABLE users IN ACCESS EXCLUSIVE MODE'; END $$;";

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_, kSchema);
  }

  runner::TraceReport Trace(const std::string& sql, bool commit = false) {
    runner::TraceFileOptions options;
    options.mode.commit = commit;
    options.mode.observer_url = url_;
    auto traced = runner::TraceFile(*db_, parser::SourceText("m.sql", sql), options);
    if (auto* error = std::get_if<std::string>(&traced)) {
      ADD_FAILURE() << *error;
      return {};
    }
    return std::get<runner::TraceReport>(std::move(traced));
  }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path dir = fs::temp_directory_path() / ("pgshift-trace-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }

  std::string url_;
  std::unique_ptr<runner::Database> db_;
};

TEST_F(TraceTest, RolledBackRunsEachStatementOnWhatTheOnesBeforeLeftAndKeepsNothing) {
  const runner::TraceReport report = Trace(
      "CREATE TABLE notes (id int, body text);\n"
      "CREATE INDEX notes_body_idx ON notes (body);\n"
      "ALTER TABLE users ALTER COLUMN n TYPE bigint;\n"
      "COMMIT;\n"
      "ALTER TABLE users ADD COLUMN flag boolean;\n");
  ASSERT_EQ(report.statements.size(), 5u);
  EXPECT_EQ(report.pg_version, 15);
  EXPECT_FALSE(report.committed);
  for (std::size_t i : {0u, 1u, 2u, 4u}) {
    EXPECT_EQ(report.statements[i].observation.status, TraceStatus::kRan)
        << report.statements[i].sql;
  }
  EXPECT_EQ(report.statements[3].observation.status, TraceStatus::kSkipped);
  // The type change rewrote users and its index, under ACCESS EXCLUSIVE, as the model says.
  const runner::TracedStatement& rewrite = report.statements[2];
  EXPECT_EQ(rewrite.verdict.verdict, Verdict::kAgree);
  std::set<std::string> rewritten;
  for (const auto& r : rewrite.observation.new_storage) rewritten.insert(r.name.name);
  EXPECT_EQ(rewritten, (std::set<std::string>{"users", "users_pkey"}));
  ASSERT_EQ(rewrite.verdict.tables.size(), 1u);
  EXPECT_EQ(rewrite.verdict.tables[0].observed, rules::LockMode::kAccessExclusive);
  EXPECT_GT(rewrite.observation.duration_ms, 0);
  // The lint findings of the file, at their statements.
  ASSERT_FALSE(rewrite.findings.empty());
  EXPECT_TRUE(
      std::any_of(rewrite.findings.begin(), rewrite.findings.end(),
                  [](const rules::Finding& f) { return f.rule == "alter-column-type-rewrite"; }));
  // Nothing stays, although the file says COMMIT: the trace's transaction was rolled back.
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_class WHERE relname = 'notes'"), "0");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                   " WHERE attrelid = 'users'::regclass AND attname = 'n'"),
            "integer");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                   " AND locktype = 'relation' AND relation = 'users'::regclass"),
            "0");
}

TEST_F(TraceTest, RolledBackMarksALockAnEarlierStatementTookAndRefusesConcurrently) {
  const runner::TraceReport report = Trace(
      "ALTER TABLE users ADD COLUMN a int;\n"
      "ALTER TABLE users ADD COLUMN b int;\n"
      "CREATE INDEX CONCURRENTLY users_n_idx ON users (n);\n");
  ASSERT_EQ(report.statements.size(), 3u);
  EXPECT_EQ(report.statements[0].verdict.verdict, Verdict::kAgree);
  // The second ACCESS EXCLUSIVE on users is already held: nothing new to see.
  const runner::TracedStatement& second = report.statements[1];
  EXPECT_EQ(second.verdict.verdict, Verdict::kUnknown);
  ASSERT_EQ(second.verdict.tables.size(), 1u);
  EXPECT_TRUE(second.verdict.tables[0].already_held);
  EXPECT_EQ(report.statements[2].observation.status, TraceStatus::kNotRun);
  EXPECT_NE(report.statements[2].observation.reason.find("--commit"), std::string::npos);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_class WHERE relname = 'users_n_idx'"), "0");
}

TEST_F(TraceTest, RolledBackGoesOnAfterAFailureAndTheServersRefusalIsRecognised) {
  const runner::TraceReport report = Trace(
      "ALTER TABLE missing ADD COLUMN a int;\n"
      "VACUUM users;\n"
      "ALTER TABLE users ADD COLUMN a int;\n");
  ASSERT_EQ(report.statements.size(), 3u);
  EXPECT_EQ(report.statements[0].observation.status, TraceStatus::kFailed);
  ASSERT_TRUE(report.statements[0].observation.error);
  EXPECT_EQ(report.statements[0].observation.error->sqlstate, "42P01");
  EXPECT_EQ(report.statements[1].observation.status, TraceStatus::kNotRun);
  EXPECT_EQ(report.statements[2].observation.status, TraceStatus::kRan);
  EXPECT_TRUE(report.stopped.empty());
}

TEST_F(TraceTest, CommittedKeepsEachStatementSamplesConcurrentlyAndStopsAtAFailure) {
  const runner::TraceReport report = Trace(
      "ALTER TABLE users ADD COLUMN flag boolean;\n"
      "CREATE INDEX CONCURRENTLY users_n_idx ON users (n);\n"
      "ALTER TABLE missing ADD COLUMN a int;\n"
      "ALTER TABLE users ADD COLUMN other int;\n",
      /*commit=*/true);
  ASSERT_EQ(report.statements.size(), 4u);
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.statements[0].observation.status, TraceStatus::kRan);
  const runner::StatementObservation& concurrent = report.statements[1].observation;
  EXPECT_EQ(concurrent.status, TraceStatus::kRan);
  EXPECT_TRUE(concurrent.sampled);
  EXPECT_FALSE(concurrent.in_transaction);
  EXPECT_NE(report.statements[1].verdict.verdict, Verdict::kDisagree);
  EXPECT_EQ(report.statements[2].observation.status, TraceStatus::kFailed);
  EXPECT_EQ(report.statements[3].observation.status, TraceStatus::kNotRun);
  EXPECT_FALSE(report.stopped.empty());
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass"
                   " AND attname IN ('flag', 'other')"),
            "1");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM pg_index WHERE indexrelid = 'users_n_idx'::regclass"
                   " AND indisvalid"),
            "1");
}

TEST_F(TraceTest, ALockTheModelCannotSeeIsADisagreement) {
  const runner::TraceReport report = Trace("SELECT lock_users();\n");
  ASSERT_EQ(report.statements.size(), 1u);
  const runner::StatementVerdict& verdict = report.statements[0].verdict;
  EXPECT_EQ(verdict.verdict, Verdict::kDisagree);
  ASSERT_EQ(verdict.tables.size(), 1u);
  EXPECT_EQ(verdict.tables[0].table.name, "users");
  EXPECT_FALSE(verdict.tables[0].predicted);
  EXPECT_EQ(report.Count(Verdict::kDisagree), 1u);
}

// A function's body takes its locks when it is called: creating it locks no table, and the model
// predicts none (before, the body's lock was predicted and the trace disagreed).
// A DO block's statements run at once: their locks are the DO statement's.
TEST_F(TraceTest, AFunctionBodyLocksNothingWhenCreatedButADoBlockDoes) {
  const runner::TraceReport report = Trace(
      "CREATE FUNCTION widen() RETURNS void LANGUAGE plpgsql AS\n"
      "$$ BEGIN ALTER TABLE users ADD COLUMN note text; END $$;\n"
      "DO $$ BEGIN ALTER TABLE users ADD COLUMN flag boolean; END $$;\n");
  ASSERT_EQ(report.statements.size(), 2u);
  EXPECT_EQ(report.statements[0].verdict.verdict, Verdict::kNone);
  EXPECT_TRUE(report.statements[0].predicted.empty());
  EXPECT_EQ(report.statements[1].verdict.verdict, Verdict::kAgree);
  ASSERT_EQ(report.statements[1].predicted.size(), 1u);
  EXPECT_EQ(report.statements[1].predicted[0].table.name, "users");
}

TEST_F(TraceTest, SchemaDdlDescribesTheSchemaWithoutLockingIt) {
  Sql(*db_,
      "CREATE TYPE mood AS ENUM ('sad', 'happy');"
      "CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id), m mood,"
      " total numeric(10,2) NOT NULL DEFAULT 0);"
      "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;"
      "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);"
      "CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO "
      "('2021-01-01');"
      "CREATE INDEX orders_total_idx ON orders (total);");
  Sql(*db_, "BEGIN");
  auto ddl = runner::SchemaDdl(*db_);
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                   " WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'public'::regnamespace"),
            "0");
  Sql(*db_, "ROLLBACK");
  ASSERT_TRUE(std::holds_alternative<std::string>(ddl));
  const std::string& text = std::get<std::string>(ddl);
  for (const char* part :
       {"CREATE TYPE public.mood AS ENUM ('sad', 'happy');", "email character varying(100)",
        "total numeric(10,2) NOT NULL DEFAULT 0", "PARTITION BY RANGE (at)",
        "ALTER TABLE public.events ATTACH PARTITION public.events_2020 FOR VALUES",
        "FOREIGN KEY (user_id) REFERENCES users(id)", "CHECK ((total >= (0)::numeric)) NOT VALID",
        "CREATE INDEX orders_total_idx ON public.orders USING btree (total);"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  EXPECT_EQ(text.find("users_pkey ON"), std::string::npos) << "a key's index comes with the key";
  auto catalog = runner::CatalogOf(*db_);
  ASSERT_TRUE(std::holds_alternative<rules::Catalog>(catalog));
  const rules::Catalog& c = std::get<rules::Catalog>(catalog);
  ASSERT_NE(c.FindTable({"", "users"}), nullptr);
  EXPECT_EQ(c.PartitionsOf({"", "events"}).size(), 1u);
  EXPECT_NE(c.ForeignKeyNamed({"", "orders"}, "orders_user_id_fkey"), nullptr);
}

// The command end to end.
TEST_F(TraceTest, CommandExitCodesAndJsonAndNoPasswordInOutput) {
  const std::string clean = Write("clean.sql", "ALTER TABLE users ADD COLUMN a int;\n");
  const std::string hidden = Write("hidden.sql", "SELECT lock_users();\n");
  // Trust authentication ignores the password; it must appear nowhere.
  const std::string with_password =
      "postgresql://postgres:s3cr3t-pw@" + url_.substr(url_.find('@') + 1);
  ProcessResult result = RunPgshift({"trace", clean, "--db", with_password});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("agree"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("postgres:***@"), std::string::npos) << result.out;
  EXPECT_EQ((result.out + result.err).find("s3cr3t-pw"), std::string::npos);

  result = RunPgshift({"trace", hidden, "--db", with_password, "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ((result.out + result.err).find("s3cr3t-pw"), std::string::npos);
  const auto json = nlohmann::json::parse(result.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << result.out;
  EXPECT_EQ(json["summary"]["disagree"], 1);
  EXPECT_EQ(json["committed"], false);
  EXPECT_EQ(json["statements"][0]["tables"][0]["observed"]["mode"], "ACCESS EXCLUSIVE");
  EXPECT_EQ(json["statements"][0]["verdict"], "disagree");

  // A password libpq cannot decode is quoted in its error: it must not reach the output.
  result = RunPgshift({"trace", clean, "--db", "postgresql://postgres:pw%zzsecret@127.0.0.1:1/x"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_EQ((result.out + result.err).find("zzsecret"), std::string::npos) << result.err;

  EXPECT_EQ(RunPgshift({"trace", clean}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"trace", clean, "--db", url_, "--sandbox"}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"trace", clean, "--db", url_, "--seed", clean}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"trace", clean, "--db", url_, "--lock-timeout", "soon"}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"trace", clean + ".missing", "--db", url_}).exit_code, 3);
  result =
      RunPgshift({"trace", Write("bad.sql", "ALTER TABLE users;\nALTER TABLE users ADD a int;\n"),
                  "--db", url_});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("bad.sql:1:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("nothing was run"), std::string::npos) << result.err;
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass"
                   " AND attname = 'a'"),
            "0");
}

TEST_F(TraceTest, CommandInASandboxCommitsEverythingAndRunsConcurrently) {
  const std::string seed = Write("seed.sql", kSchema);
  const std::string file = Write("sandboxed.sql",
                                 "CREATE INDEX CONCURRENTLY users_n_idx ON users (n);\n"
                                 "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n");
  const ProcessResult result =
      RunPgshift({"trace", file, "--sandbox", "--seed", seed, "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << result.out;
  EXPECT_EQ(json["committed"], true);
  EXPECT_EQ(json["target"], "a throwaway sandbox");
  EXPECT_EQ(json["statements"][0]["status"], "ran");
  EXPECT_EQ(json["statements"][0]["sampled"], true);
  // Judged against the seeded schema: varchar(100) to varchar(200) is catalog only.
  EXPECT_EQ(json["statements"][1]["verdict"], "agree");
  EXPECT_EQ(json["statements"][1]["tables"][0]["predicted"]["work"], "catalog only");
  EXPECT_EQ(json["statements"][1]["new_storage"].size(), 0u);
}

}  // namespace
}  // namespace pgshift::testing
