// One throwaway PostgreSQL per test binary, started through the sandbox on first use and stopped
// when the binary exits; each test asks for its own fresh database.
#pragma once

#include <memory>
#include <string>

#include "runner/database.h"
#include "runner/sandbox.h"

namespace pgshift::testing {

// The shared server (started on first call). Fails the calling test when it cannot start.
const runner::SandboxInfo& SharedServer();

// Creates an empty database named after the current test and returns its URL.
std::string FreshDatabase();

// Connects or fails the calling test (returns null then).
std::unique_ptr<runner::Database> ConnectTo(const std::string& url);

// Runs SQL and fails the calling test on an error; returns the rows.
runner::Rows Sql(runner::Database& db, const std::string& sql);
// The first column of the first row of a query, as text ("" for NULL or no row).
std::string Scalar(runner::Database& db, const std::string& sql);

// How pgshift names a session holding a lock it waited for, when that session sits in an open
// transaction: "pid 1234 (idle in transaction".
std::string IdleBlockerName(runner::Database& blocker);

// The URL of another database on the same server.
std::string WithDatabase(const std::string& url, const std::string& database);

}  // namespace pgshift::testing
