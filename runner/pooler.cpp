#include "runner/pooler.h"

namespace pgshift::runner {
namespace {

std::string ServerPid(Database& db) {
  auto pid = db.Exec("SELECT pg_backend_pid()");
  return ErrorOf(pid) != nullptr ? "" : std::get<Rows>(pid).Scalar();
}

}  // namespace

std::optional<std::string> CheckSessionPinned(Database& db, const std::string& url) {
  const std::string first = ServerPid(db);
  if (first.empty()) return std::nullopt;  // the run's own queries will say what is wrong
  auto connected = Connect(url, "pgshift probe");
  if (ErrorOf(connected) != nullptr) return std::nullopt;  // e.g. a pool of one: nothing to share
  Database& other = *std::get<std::unique_ptr<Database>>(connected);
  std::string shared;
  for (int i = 0; i < 3 && shared.empty(); ++i) {
    if (ServerPid(other) == first) shared = "a second connection was served by its server process";
  }
  const std::string again = ServerPid(db);
  if (shared.empty() && !again.empty() && again != first) {
    shared = "its next statement ran in another server process (" + again + ", not " + first + ")";
  }
  if (shared.empty()) return std::nullopt;
  return "the connection does not keep its server session between transactions (" + shared +
         "): a connection pooler in transaction or statement mode, such as PgBouncer with "
         "pool_mode = transaction, is in between. The plan's lock (a session advisory lock) "
         "would not keep a second runner out, and a resumed stage could meet another client's "
         "session. Connect directly, or through a pool in session mode (PgBouncer: pool_mode = "
         "session, for example a second [databases] entry); nothing was run";
}

}  // namespace pgshift::runner
