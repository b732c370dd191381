// The lock model against tests/fixtures/lock_model/cases.sql: for every case, the locks the model
// gives (merged per table: strongest mode, heaviest work) are exactly the expected ones. The same
// file is checked against a real PostgreSQL 15 by tests/lock_model/verify_against_server.py, so
// the model, the cases and the server agree.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "parser/parsed_file.h"
#include "rules/analysis/catalog.h"
#include "rules/analysis/lock_model.h"

namespace pgshift::rules {
namespace {

struct Case {
  std::string title;
  int line = 0;
  std::vector<std::string> setup;
  std::string statement;
  std::map<std::string, std::string> expected;  // table → "MODE work"
};

struct Cases {
  std::string base;
  std::vector<Case> cases;
};

std::string After(const std::string& line, const std::string& prefix) {
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : std::string();
}

Cases ReadCases() {
  std::ifstream in(std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/lock_model/cases.sql");
  EXPECT_TRUE(in.good());
  Cases out;
  Case* current = nullptr;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (std::string title = After(line, "-- case: "); !title.empty()) {
      out.cases.push_back({title, number});
      current = &out.cases.back();
    } else if (current == nullptr) {
      if (line.rfind("--", 0) != 0) out.base += line + "\n";
    } else if (std::string setup = After(line, "-- setup: "); !setup.empty()) {
      current->setup.push_back(setup);
    } else if (std::string expect = After(line, "-- expect: "); !expect.empty()) {
      if (expect == "none") continue;
      const auto space = expect.find(' ');
      current->expected[expect.substr(0, space)] = expect.substr(space + 1);
    } else if (line.rfind("--", 0) != 0 && !line.empty()) {
      current->statement += line + "\n";
    }
  }
  return out;
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
  const Cases cases = ReadCases();
  ASSERT_GE(cases.cases.size(), 80u);
  for (const Case& c : cases.cases) {
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
  const Cases cases = ReadCases();
  std::set<Form> covered;
  for (const Case& c : cases.cases) {
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
