// A runner's session: the connection with its timeouts set, and the advisory lock that keeps a
// second runner off the same plan.
#pragma once

#include <optional>
#include <string>

#include "runner/database.h"
#include "runner/settings.h"

namespace pgshift::runner {

// Sets lock_timeout, statement_timeout and idle_in_transaction_session_timeout for the session.
std::optional<DbError> ConfigureSession(Database& db, const RunSettings& settings);

// "BEGIN; SET LOCAL lock_timeout = ...; ...": a transaction whose timeouts are its own, so they
// hold for the statements it protects whatever happened to the session's settings.
std::string BeginWithTimeouts(const RunSettings& settings);

// Takes the plan's session-level advisory lock without waiting. When another session holds it,
// returns a message naming the holder: its server pid, since when, and the runner it recorded.
DbResult<std::optional<std::string>> LockPlan(Database& db, const std::string& plan_id);
void UnlockPlan(Database& db, const std::string& plan_id);
// The holder of the plan's lock, described, or empty when nobody holds it.
std::string PlanLockHolder(Database& db, const std::string& plan_id);

// "pgshift pid 4242 on build-7": recorded in the ledger so a refused runner can say who runs.
std::string RunnerIdentity();

}  // namespace pgshift::runner
