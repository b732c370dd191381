#include "rules/analysis/lock_model.h"

#include <gtest/gtest.h>

#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"

namespace pgshift::rules {
namespace {

std::vector<TableLock> Locks(const std::string& sql, int pg_version = 15) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  Catalog catalog;
  std::vector<TableLock> last;
  for (const parser::Statement& s : file.statements) {
    last = LocksOf(s.node, pg_version, catalog);
    catalog.Apply(s.node, false);
  }
  return last;
}

TEST(LockModel, EveryFormHasAnEntry) {
  for (int form = 0; form <= static_cast<int>(Form::kOtherAlterTable); ++form) {
    bool found = false;
    for (const LockEntry& e : LockTable()) found = found || static_cast<int>(e.form) == form;
    EXPECT_TRUE(found) << "form " << form << " has no entry";
  }
}

TEST(LockModel, CreateIndex) {
  const auto locks = Locks("CREATE INDEX i ON s.users (a);");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(locks[0].mode, LockMode::kShare);
  EXPECT_EQ(locks[0].table.ToString(), "s.users");
  EXPECT_EQ(Locks("CREATE INDEX CONCURRENTLY i ON users (a);")[0].mode, LockMode::kShareUpdateExclusive);
}

TEST(LockModel, AddColumnDefaultsDependOnVolatilityAndVersion) {
  EXPECT_EQ(Locks("ALTER TABLE t ADD COLUMN a int DEFAULT 0;")[0].work, TableWork::kCatalogOnly);
  EXPECT_EQ(Locks("ALTER TABLE t ADD COLUMN a int DEFAULT 0;", 10)[0].work, TableWork::kRewrite);
  EXPECT_EQ(Locks("ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now();")[0].work, TableWork::kCatalogOnly);
  EXPECT_EQ(Locks("ALTER TABLE t ADD COLUMN a uuid DEFAULT gen_random_uuid();")[0].work, TableWork::kRewrite);
  EXPECT_EQ(Locks("ALTER TABLE t ADD COLUMN a bigserial;")[0].work, TableWork::kRewrite);
}

TEST(LockModel, ForeignKeyLocksBothTables) {
  const auto locks = Locks("ALTER TABLE orders ADD FOREIGN KEY (u) REFERENCES users (id);");
  ASSERT_EQ(locks.size(), 2u);
  EXPECT_EQ(locks[0].table.name, "orders");
  EXPECT_EQ(locks[1].table.name, "users");
  EXPECT_EQ(locks[1].mode, LockMode::kShareRowExclusive);
}

TEST(LockModel, TypeChangeUsesTheCatalog) {
  EXPECT_EQ(Locks("CREATE TABLE t (a varchar(10));\nALTER TABLE t ALTER COLUMN a TYPE varchar(20);")[0].work,
            TableWork::kCatalogOnly);
  EXPECT_EQ(Locks("CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;")[0].work,
            TableWork::kRewrite);
}

TEST(LockModel, LockTableTakesTheModeItNames) {
  EXPECT_EQ(Locks("LOCK TABLE t IN SHARE MODE;")[0].mode, LockMode::kShare);
  EXPECT_EQ(Locks("LOCK TABLE t;")[0].mode, LockMode::kAccessExclusive);
}

TEST(LockModel, DescribeLock) {
  const auto locks = Locks("VACUUM FULL users;");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(DescribeLock(locks[0]), "takes ACCESS EXCLUSIVE on users, blocking reads and writes; rewrites the table");
}

}  // namespace
}  // namespace pgshift::rules
