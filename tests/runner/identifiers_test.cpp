// Names that need quoting, against the real server with the real pgshift binary: a schema and a
// table with upper case and spaces, columns that are reserved words or hold quotes and dots, an
// index whose name holds quotes; backfills (on the primary key and on named key columns), gates,
// concurrent index builds and their cleanup, lock-wait reports, checkpoints and rollback all
// work; names crafted to inject SQL name nothing and run nothing.
#include <gtest/gtest.h>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Identifiers : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshDatabase();
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_, R"sql(
      CREATE SCHEMA "Sales Dept";
      CREATE TABLE "Sales Dept"."Order Items" (
        "ID" bigint PRIMARY KEY, "select" int NOT NULL, "Qty ""x""" int, "odd.col" text);
      INSERT INTO "Sales Dept"."Order Items"
        SELECT i, i % 7, i, 'r' || i FROM generate_series(1, 3000) i;
      CREATE TABLE "odd.table" ("user" text NOT NULL, "Order" int NOT NULL, v int);
      CREATE UNIQUE INDEX "odd.table key" ON "odd.table" ("user", "Order");
      INSERT INTO "odd.table" SELECT 'u' || (i % 10), i, 0 FROM generate_series(1, 500) i;
      CREATE TABLE victim (id int);
    )sql");
  }

  std::string WritePlan(const std::string& text) { return workspace_.Write("plan.toml", text); }
  ProcessResult Pgshift(const std::vector<std::string>& args) { return workspace_.Pgshift(args); }
  bool VictimIntact() { return Scalar(*db_, "SELECT to_regclass('victim') IS NOT NULL") == "t"; }

  std::string url_;
  std::unique_ptr<runner::Database> db_;
  Workspace workspace_{"identifiers"};
};

TEST_F(Identifiers, APlanOnOddNamesRunsChecksAndRollsBack) {
  const std::string plan = WritePlan(R"toml(
id = "odd-names"

[[stage]]
id = "add"
phase = "expand"
sql = 'ALTER TABLE "Sales Dept"."Order Items" ADD COLUMN "New Col" int'
rollback = 'ALTER TABLE "Sales Dept"."Order Items" DROP COLUMN "New Col"'

[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = '"Sales Dept"."Order Items"', set = '"New Col" = "select" + "Qty ""x"""', where = '"New Col" IS NULL' }
rollback = []

[[stage]]
id = "fill-by-key"
phase = "backfill"
backfill = { table = '"odd.table"', set = 'v = "Order" * 2', key = ["user", "Order"] }
rollback = []

[[stage]]
id = "index"
phase = "switch"
gate = 'SELECT NOT EXISTS (SELECT 1 FROM "Sales Dept"."Order Items" WHERE "New Col" IS NULL AND "odd.col" IS NOT NULL)'
sql = 'CREATE INDEX CONCURRENTLY "Odd ""Idx""" ON "Sales Dept"."Order Items" ("New Col")'
rollback = 'DROP INDEX CONCURRENTLY "Sales Dept"."Odd ""Idx"""'
)toml");
  const ProcessResult run = Pgshift({"run", plan, "--db", url_, "--batch-size", "700"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "gate returned true")) << run.out;
  EXPECT_EQ(Scalar(*db_, R"(SELECT count(*) FROM "Sales Dept"."Order Items"
                            WHERE "New Col" = "select" + "Qty ""x""")"),
            "3000");
  EXPECT_EQ(Scalar(*db_, R"(SELECT count(*) FROM "odd.table" WHERE v = "Order" * 2)"), "500");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                   "to_regclass('\"Sales Dept\".\"Odd \"\"Idx\"\"\"')"),
            "t");
  // The checkpoints saw the tables themselves, not an absent name.
  const std::string added =
      Scalar(*db_, "SELECT fingerprint_detail FROM pgshift.stages WHERE stage_id = 'add'");
  EXPECT_TRUE(Contains(added, "Sales Dept.Order Items: column New Col integer null")) << added;
  EXPECT_TRUE(Contains(added, "\"odd.table\": index CREATE UNIQUE INDEX")) << added;

  const ProcessResult rollback = Pgshift({"rollback", plan, "--db", url_});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM information_schema.columns "
                   "WHERE column_name = 'New Col'"),
            "0");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_class WHERE relname = 'Odd \"Idx\"'"), "0");
}

TEST_F(Identifiers, NamesWrittenWithoutQuotesKeepTheirCase) {
  const std::string plan = WritePlan(R"toml(
id = "bare-names"
[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = "Sales Dept.Order Items", set = '"Qty ""x""" = 0' }
rollback = []
)toml");
  const ProcessResult run = Pgshift({"run", plan, "--db", url_});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(
      Scalar(*db_, R"(SELECT count(*) FROM "Sales Dept"."Order Items" WHERE "Qty ""x""" = 0)"),
      "3000");
}

TEST_F(Identifiers, AFailedConcurrentBuildOnAnOddNameIsCleanedUp) {
  const std::string plan = WritePlan(R"toml(
id = "odd-unique"
[[stage]]
id = "unique"
phase = "expand"
sql = 'CREATE UNIQUE INDEX CONCURRENTLY "Uniq.""select""" ON "Sales Dept"."Order Items" ("select")'
rollback = 'DROP INDEX CONCURRENTLY "Sales Dept"."Uniq.""select"""'
)toml");
  const ProcessResult run = Pgshift({"run", plan, "--db", url_});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(Contains(run.err, "could not create unique index")) << run.err;
  EXPECT_TRUE(Contains(run.out, "dropping the INVALID index")) << run.out;
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_class WHERE relname = 'Uniq.\"select\"'"), "0");
}

TEST_F(Identifiers, ALockWaitOnAnOddNameNamesTheBlocker) {
  const std::string plan = WritePlan(R"toml(
id = "odd-blocked"
[[stage]]
id = "add"
phase = "expand"
sql = 'ALTER TABLE "odd.table" ADD COLUMN c int'
rollback = 'ALTER TABLE "odd.table" DROP COLUMN c'
)toml");
  auto blocker = ConnectTo(url_);
  ASSERT_TRUE(blocker);
  Sql(*blocker, R"(BEGIN; SELECT count(*) FROM "odd.table" /* odd report */)");
  const ProcessResult run = Pgshift({"run", plan, "--db", url_, "--lock-timeout", "100ms",
                                     "--retries", "1", "--retry-delay", "20ms"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(Contains(run.err, "pid " + std::to_string(blocker->BackendPid()))) << run.err;
  EXPECT_TRUE(Contains(run.err, "odd report")) << run.err;
  Sql(*blocker, "COMMIT");
}

TEST_F(Identifiers, NamesCraftedToInjectSqlRunNothing) {
  const char* tables[] = {
      "victim; DROP TABLE victim; --",
      R"(victim\" ; DROP TABLE victim; --)",
      R"(\"Sales Dept\".\"Order Items\" SET \"select\" = 0; DROP TABLE victim; --)",
  };
  for (const char* table : tables) {
    SCOPED_TRACE(table);
    const std::string plan = WritePlan(std::string(R"toml(
id = "inject"
[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = ")toml") + table + R"toml(", set = "id = 1" }
rollback = []
)toml");
    const ProcessResult run = Pgshift({"run", plan, "--db", url_});
    EXPECT_EQ(run.exit_code, 2) << run.out << run.err;  // preflight: nothing ran
    EXPECT_TRUE(Contains(run.err, "does not exist")) << run.err;
    EXPECT_TRUE(VictimIntact());
  }
  const std::string key_plan = WritePlan(R"toml(
id = "inject-key"
[[stage]]
id = "fill"
phase = "backfill"
backfill = { table = "victim", set = "id = 1", key = ['id") > (0); DROP TABLE victim; --'] }
rollback = []
)toml");
  const ProcessResult run = Pgshift({"run", key_plan, "--db", url_});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;  // preflight: nothing ran
  EXPECT_TRUE(Contains(run.err, "of table `victim` does not exist")) << run.err;
  EXPECT_TRUE(VictimIntact());
  EXPECT_EQ(Scalar(*db_, R"(SELECT count(*) FROM "Sales Dept"."Order Items" WHERE "select" = 0)"),
            "428");  // untouched: i % 7 = 0 for 428 of 3000 rows
}

}  // namespace
}  // namespace pgshift::testing
