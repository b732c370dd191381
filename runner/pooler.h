// Connection poolers: the runner's plan lock (a session advisory lock) and its session settings
// need a server session that stays its own for the whole run, as a direct connection or a pooler
// in session mode gives. A pooler in transaction or statement mode (PgBouncer's pool_mode =
// transaction) hands the server session to other clients between transactions; a run through
// one is refused before anything runs.
#pragma once

#include <optional>
#include <string>

#include "runner/database.h"

namespace pgshift::runner {

// A behaviour probe, not a configuration read (a pooler need not say what it is): the session
// notes its server pid, a second connection to `url` asks for its own a few times, and the first
// session asks again. When the second connection is served by the first session's server process,
// or the first session comes back on another one, the session is not pinned. Returns why the run
// is refused, or nullopt.
std::optional<std::string> CheckSessionPinned(Database& db, const std::string& url);

}  // namespace pgshift::runner
