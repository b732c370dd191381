// `pgshift plan new` on columns copied into a new table, beyond example 08, on a real server:
// other column names on each side, a quoted mixed-case name, a copied column the migration keeps,
// and rows without a value. Writes on either side reach the other one while both releases run;
// the backfill copies the rest; contract leaves no trigger or function; rollback before contract
// restores the seed's catalog.
#include <gtest/gtest.h>

#include <variant>

#include "runner/plan.h"
#include "tests/examples/catalog_snapshot.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

const std::string kSeed =
    "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, phone text, \"Fax\" "
    "text);\n"
    "INSERT INTO accounts SELECT i, 'a' || i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'p' || i END, "
    "CASE WHEN i % 2 = 0 THEN NULL ELSE 'f' || i END FROM generate_series(1, 3000) AS i;\n";

// phone is dropped at contract; "Fax" is copied and kept.
const std::string kMigration =
    "CREATE TABLE contacts (account bigint PRIMARY KEY REFERENCES accounts (id), telephone "
    "text, fax text);\n"
    "INSERT INTO contacts (account, telephone, fax) SELECT id, phone, \"Fax\" FROM accounts;\n"
    "ALTER TABLE accounts DROP COLUMN phone;\n";

class GeneratedCopyRows : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string seed = workspace_.Write("seed.sql", kSeed);
    const std::string migration = workspace_.Write("0012_contacts.sql", kMigration);
    plan_ = (workspace_.dir() / "plan.toml").string();
    const ProcessResult made =
        workspace_.Pgshift({"plan", "new", migration, "--schema", seed, "-o", plan_});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    url_ = FreshDatabase();
    ASSERT_FALSE(url_.empty());
    db_ = ConnectTo(url_);
    ASSERT_TRUE(db_);
    Sql(*db_, kSeed);
  }
  void RunThrough(const std::string& stage) {
    const ProcessResult run =
        workspace_.Pgshift({"run", plan_, "--db", url_, "--through", stage, "--progress", "none"});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  }
  Workspace workspace_{"generated-copy-rows"};
  std::string plan_, url_;
  std::unique_ptr<runner::Database> db_;
};

TEST_F(GeneratedCopyRows, BothPlacesStayInStepAndContractLeavesNoTrigger) {
  RunThrough("expand");
  // The running release writes accounts: its writes reach contacts.
  Sql(*db_,
      "UPDATE accounts SET phone = 'changed' WHERE id = 5;"
      "INSERT INTO accounts VALUES (5001, 'new', 'p5001', NULL), (5002, 'bare', NULL, NULL)");
  EXPECT_EQ(Scalar(*db_, "SELECT telephone || ' ' || fax FROM contacts WHERE account = 5"),
            "changed f5");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM contacts WHERE account IN (5001, 5002)"), "1");
  RunThrough("backfill");
  // Every account with a value has its row, with the values of accounts; the others have none.
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM accounts a JOIN contacts c ON c.account = a.id WHERE "
                   "c.telephone IS NOT DISTINCT FROM a.phone AND c.fax IS NOT DISTINCT FROM "
                   "a.\"Fax\""),
            "2251");  // 3000 less the 750 without either (i % 4 = 0), and 5001
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM contacts"), "2251");
  // `status` counts the copy's rows as inserted, and its long stage ids keep their own column.
  const ProcessResult status = workspace_.Pgshift({"status", plan_, "--db", url_});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(" inserted"), std::string::npos) << status.out;
  const runner::Plan plan = std::get<runner::Plan>(runner::ReadPlanFile(plan_));
  for (const runner::Stage& stage : plan.stages) {
    EXPECT_NE(status.out.find(" " + stage.id + " "), std::string::npos)
        << "stage `" << stage.id << "` runs into the next column:\n"
        << status.out;
  }
  // The new release writes contacts: its writes reach accounts.
  Sql(*db_,
      "UPDATE contacts SET fax = 'moved' WHERE account = 7;"
      "INSERT INTO contacts VALUES (5002, 'p-new', NULL);"
      "DELETE FROM contacts WHERE account = 9");
  EXPECT_EQ(Scalar(*db_, "SELECT \"Fax\" FROM accounts WHERE id = 7"), "moved");
  EXPECT_EQ(Scalar(*db_, "SELECT phone FROM accounts WHERE id = 5002"), "p-new");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT coalesce(phone, '-') || coalesce(\"Fax\", '-') FROM accounts "
                   "WHERE id = 9"),
            "--");
  RunThrough("contract");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                   "('accounts'::regclass, 'contacts'::regclass)"),
            "0");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM pg_proc WHERE proname LIKE '%copy_to%'"), "0");
  EXPECT_EQ(Scalar(*db_,
                   "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE "
                   "attrelid = 'accounts'::regclass AND attnum > 0 AND NOT attisdropped"),
            "id,name,Fax");
}

TEST_F(GeneratedCopyRows, RollbackBeforeContractRestoresTheSeedsCatalog) {
  const std::vector<std::string> before = CatalogSnapshot(*db_);
  RunThrough("backfill");
  const ProcessResult back = workspace_.Pgshift({"rollback", plan_, "--db", url_});
  ASSERT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_TRUE(SnapshotDiff(before, CatalogSnapshot(*db_)).empty())
      << SnapshotDiff(before, CatalogSnapshot(*db_));
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM accounts WHERE phone IS NOT NULL"), "2250");
}

}  // namespace
}  // namespace pgshift::testing
