// The lock model against tests/fixtures/lock_model/cases.sql: for every case, the locks the model
// gives (merged per table: strongest mode, heaviest work) are exactly the expected ones. The
// differential suite (tests/lock_model/server_differential_test.cpp) runs the same cases on a real
// PostgreSQL 15, so the model, the cases and the server agree.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"
#include "rules/analysis/lock_model.h"
#include "tests/lock_model/lock_cases.h"

namespace pgshift::rules {
namespace {

using pgshift::testing::LockCase;
using pgshift::testing::LockCases;

LockCases ReadCases() {
  LockCases cases = pgshift::testing::ReadLockCases();
  EXPECT_EQ(cases.error, "");
  return cases;
}

void Apply(Catalog& catalog, const std::string& sql) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  for (const parser::Statement& s : file.statements) {
    ASSERT_NE(s.node, nullptr) << sql;
    catalog.Apply(s.node, false);
  }
}

std::map<std::string, std::string> ModelLocks(const Catalog& catalog, const std::string& sql) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  std::map<std::string, TableLock> merged;
  for (const parser::Statement& s : file.statements) {
    for (const TableLock& lock : LocksOf(s.node, 15, catalog)) {
      auto [it, added] = merged.emplace(lock.table.ToString(), lock);
      if (!added) {
        it->second.mode = std::max(it->second.mode, lock.mode);
        it->second.work = std::max(it->second.work, lock.work);
      }
    }
  }
  std::map<std::string, std::string> out;
  for (const auto& [table, lock] : merged) {
    static constexpr std::string_view kWork[] = {"catalog", "rows", "scan", "rewrite"};
    out[table] = std::string(LockModeName(lock.mode)) + " " +
                 std::string(kWork[static_cast<int>(lock.work)]);
  }
  return out;
}

TEST(LockModelCases, ModelGivesWhatTheServerDoes) {
  const LockCases cases = ReadCases();
  ASSERT_GE(cases.cases.size(), 80u);
  for (const LockCase& c : cases.cases) {
    Catalog catalog;
    Apply(catalog, cases.base);
    for (const std::string& setup : c.setup) Apply(catalog, setup);
    catalog.MarkAllReleased();
    EXPECT_EQ(ModelLocks(catalog, c.statement), c.expected)
        << "cases.sql:" << c.line << ": " << c.title << "\n"
        << c.statement;
  }
}

// Every statement form the model knows appears in some case, so every entry that describes
// PostgreSQL 15 has been held against the server.
TEST(LockModelCases, EveryFormIsCovered) {
  const LockCases cases = ReadCases();
  std::set<Form> covered;
  for (const LockCase& c : cases.cases) {
    Catalog catalog;
    Apply(catalog, cases.base);
    for (const std::string& setup : c.setup) Apply(catalog, setup);
    catalog.MarkAllReleased();
    for (const parser::Statement& s : parser::ParseSql(c.statement).statements) {
      for (const TableLock& lock : LocksOf(s.node, 15, catalog)) covered.insert(lock.form);
    }
  }
  for (const LockEntry& entry : LockTable()) {
    EXPECT_TRUE(covered.count(entry.form) > 0) << "no case exercises " << entry.sql;
  }
}

}  // namespace
}  // namespace pgshift::rules
