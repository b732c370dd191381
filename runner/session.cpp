#include "runner/session.h"

#include <unistd.h>

#include "runner/ledger.h"

namespace pgshift::runner {
namespace {

std::string Keys(Database& db, const std::string& plan_id) {
  return "hashtext('pgshift'), hashtext(" + db.QuoteLiteral(plan_id) + ")";
}

}  // namespace

std::optional<DbError> ConfigureSession(Database& db, const RunSettings& settings) {
  const auto result =
      db.Exec("SET lock_timeout = " + std::to_string(settings.lock_timeout.count()) +
              "; SET statement_timeout = " + std::to_string(settings.statement_timeout.count()) +
              "; SET idle_in_transaction_session_timeout = " +
              std::to_string(settings.idle_in_transaction_timeout.count()));
  if (const DbError* error = ErrorOf(result)) return *error;
  return std::nullopt;
}

std::string BeginWithTimeouts(const RunSettings& settings) {
  return "BEGIN; SET LOCAL lock_timeout = " + std::to_string(settings.lock_timeout.count()) +
         "; SET LOCAL statement_timeout = " + std::to_string(settings.statement_timeout.count()) +
         "; SET LOCAL idle_in_transaction_session_timeout = " +
         std::to_string(settings.idle_in_transaction_timeout.count());
}

DbResult<std::optional<std::string>> LockPlan(Database& db, const std::string& plan_id) {
  auto taken = db.Exec("SELECT pg_try_advisory_lock(" + Keys(db, plan_id) + ")");
  if (const DbError* error = ErrorOf(taken)) return *error;
  if (std::get<Rows>(taken).Scalar() == "t") return std::optional<std::string>();
  std::string holder = PlanLockHolder(db, plan_id);
  if (holder.empty()) holder = "another session (it let go just now; try again)";
  return std::optional<std::string>("plan `" + plan_id + "` is already being run by " + holder);
}

void UnlockPlan(Database& db, const std::string& plan_id) {
  db.Exec("SELECT pg_advisory_unlock(" + Keys(db, plan_id) + ")");
}

std::string PlanLockHolder(Database& db, const std::string& plan_id) {
  const std::string recorded = LedgerExists(db)
                                   ? "coalesce((SELECT runner FROM pgshift.plans WHERE plan_id = " +
                                         db.QuoteLiteral(plan_id) + "), '')"
                                   : std::string("''");
  const auto holder = db.Exec(
      "SELECT a.pid, to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SSOF'), "
      "coalesce(a.application_name, ''), " +
      recorded +
      " "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.pid <> "
      "pg_backend_pid() "
      "  AND l.classid = hashtext('pgshift')::oid AND l.objid = hashtext(" +
      db.QuoteLiteral(plan_id) +
      ")::oid "
      "  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  if (ErrorOf(holder) != nullptr || std::get<Rows>(holder).empty()) return "";
  const Row& row = std::get<Rows>(holder).rows[0];
  std::string text =
      "server pid " + row[0].value_or("?") + " (connected since " + row[1].value_or("?");
  if (!row[2].value_or("").empty()) text += ", application " + *row[2];
  text += ")";
  if (!row[3].value_or("").empty()) text += ", recorded runner: " + *row[3];
  return text;
}

std::string RunnerIdentity() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return "pgshift pid " + std::to_string(getpid()) + " on " + host;
}

}  // namespace pgshift::runner
