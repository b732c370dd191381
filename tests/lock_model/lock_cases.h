// Reads tests/fixtures/lock_model/cases.sql: the statement forms of the lock model, each with the
// lock it takes on each table as PostgreSQL 15 does it. Read by LockModelCases (the model gives
// these, no server) and the differential suite (the server does these, and agrees with the model).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pgshift::testing {

struct LockCase {
  std::string title;
  int line = 0;                      // of `-- case:` in cases.sql
  std::vector<std::string> setup;    // run and committed before the statement
  std::vector<std::string> session;  // run just before it, in the same session
  // Cannot run in a transaction block: the differential suite holds `blocker_table` in
  // `blocker_mode` from another session, so that the statement waits while its locks are read.
  bool outside_transaction = false;
  std::string blocker_table, blocker_mode;
  std::map<std::string, std::string> expected;  // table → "MODE work"
  std::string statement;
};

struct LockCases {
  std::string base;  // the schema every case starts from
  std::vector<LockCase> cases;
  std::string error;  // a line the reader does not understand, with its number
};

LockCases ReadLockCases();

}  // namespace pgshift::testing
