#include "runner/throttle.h"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "runner/progress.h"
#include "runner/redact.h"

namespace pgshift::runner {
namespace {

using Clock = std::chrono::steady_clock;
using Verdict = std::variant<std::optional<ThrottleReason>, StepFailure>;

// How often a throttled backfill looks again.
constexpr Millis kPoll{200};

double Number(const std::optional<std::string>& text) {
  return text ? std::strtod(text->c_str(), nullptr) : 0.0;
}

std::string Bytes(double bytes) {
  char buffer[32];
  if (bytes < 1024 * 1024)
    std::snprintf(buffer, sizeof buffer, "%.0f kB", bytes / 1024);
  else
    std::snprintf(buffer, sizeof buffer, "%.1f MB", bytes / (1024 * 1024));
  return buffer;
}

StepFailure Lost(const std::string& what, const DbError& error) {
  return StepFailure{what + ": " + error.message, error.connection_lost};
}

// A standby's replay lag as the standby itself sees it: none when it has replayed all the WAL
// it received and all the primary had written when the runner last looked (`$1`, which may be
// NULL), else the age of the last transaction it replayed (the first one it has not replayed
// committed after that).
std::string StandbyLag(const std::string& primary_lsn) {
  return "SELECT pg_is_in_recovery(), "
         "CASE WHEN pg_last_wal_replay_lsn() >= greatest(pg_last_wal_receive_lsn(), " +
         primary_lsn +
         ") IS NOT FALSE THEN 0 "
         "ELSE greatest(0, extract(epoch FROM now() - coalesce(pg_last_xact_replay_timestamp(), "
         "  pg_postmaster_start_time()))) END::float8, "
         "coalesce(pg_wal_lsn_diff(greatest(pg_last_wal_receive_lsn(), " +
         primary_lsn + "), pg_last_wal_replay_lsn()), 0)::float8";
}

// Where the primary's WAL ends now (NULL when the target is itself a standby).
constexpr const char* kPrimaryLsn =
    "SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END";

// Each standby streaming from the primary, with the replay lag the primary last measured; none
// once the standby has reported replaying everything the primary has written.
constexpr const char* kPrimaryView =
    "SELECT coalesce(nullif(application_name, ''), 'walreceiver') || "
    "  coalesce(' at ' || host(client_addr), ''), "
    "coalesce(extract(epoch FROM replay_lag), 0)::float8, "
    "CASE WHEN pg_is_in_recovery() OR replay_lsn IS NULL THEN 0 "
    "  ELSE greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) END::float8 "
    "FROM pg_stat_replication";

// Active sessions other than the runner's own, on the whole server.
constexpr const char* kActiveSessions =
    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()";

}  // namespace

struct Throttle::Replica {
  std::string url;
  std::string shown;  // the URL with its password hidden
  std::unique_ptr<Database> db;
  bool reached = false;  // connected once: a later failure is a standby down, not a typo
};

std::optional<Millis> ParseReplicaLag(const std::string& text) {
  const bool seconds =
      !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
  const auto lag = ParseDuration(seconds ? text + "s" : text);
  if (!lag || lag->count() <= 0) return std::nullopt;
  return lag;
}

std::string FormatSeconds(double seconds) {
  char buffer[32];
  if (seconds < 1)
    std::snprintf(buffer, sizeof buffer, "%.0f ms", seconds * 1000);
  else
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
  return buffer;
}

Throttle::Throttle(StepContext& context) : context_(context) {
  if (context.settings.max_replica_lag.count() <= 0) return;
  for (const std::string& url : context.settings.replicas) {
    auto replica = std::make_unique<Replica>();
    replica->url = url;
    replica->shown = RedactUrl(url);
    replicas_.push_back(std::move(replica));
  }
}

Throttle::~Throttle() = default;

bool Throttle::Enabled() const {
  const RunSettings& s = context_.settings;
  return s.max_replica_lag.count() > 0 || !s.throttle_query.empty() || s.max_load > 0 ||
         s.critical_load > 0;
}

std::optional<StepFailure> Throttle::Wait() {
  if (!Enabled()) return std::nullopt;
  Verdict checked = this->Check();
  if (auto* failure = std::get_if<StepFailure>(&checked)) return *failure;
  auto reason = std::get<std::optional<ThrottleReason>>(checked);
  if (!reason) return std::nullopt;
  const auto start = Clock::now();
  auto say = [&](const ThrottleReason& why) {
    RunEvent event{"throttled", context_.stage_id, "throttled: " + why.text};
    event.detail = {{"reason", why.kind}, {"throttled_ms", total_.count()}};
    context_.sink.Emit(event);
  };
  say(*reason);
  std::string kind = reason->kind;
  std::optional<StepFailure> stopped;
  for (;;) {
    std::this_thread::sleep_for(kPoll);
    checked = this->Check();
    if (auto* failure = std::get_if<StepFailure>(&checked)) {
      stopped = *failure;
      break;
    }
    reason = std::get<std::optional<ThrottleReason>>(checked);
    if (!reason) break;
    if (reason->kind != kind) say(*reason);
    kind = reason->kind;
  }
  const Millis waited = std::chrono::duration_cast<Millis>(Clock::now() - start);
  total_ += waited;
  if (stopped) return stopped;
  RunEvent lifted{"throttle-lifted", context_.stage_id,
                  "throttle lifted after " + FormatDuration(waited) + "; " +
                      FormatDuration(total_) + " throttled in total",
                  waited.count()};
  lifted.detail = {{"throttled_ms", total_.count()}};
  context_.sink.Emit(lifted);
  return std::nullopt;
}

Verdict Throttle::Check() {
  Verdict load = CheckLoad();
  if (std::holds_alternative<StepFailure>(load) ||
      std::get<std::optional<ThrottleReason>>(load).has_value()) {
    return load;
  }
  Verdict lag = CheckReplicas();
  if (std::holds_alternative<StepFailure>(lag) ||
      std::get<std::optional<ThrottleReason>>(lag).has_value()) {
    return lag;
  }
  return CheckQuery();
}

Verdict Throttle::CheckLoad() {
  const RunSettings& s = context_.settings;
  if (s.max_load <= 0 && s.critical_load <= 0) return std::optional<ThrottleReason>();
  auto result = context_.db.Exec(kActiveSessions);
  if (const DbError* error = ErrorOf(result))
    return Lost("cannot count the active sessions", *error);
  const long long active = std::atoll(std::get<Rows>(result).Scalar().c_str());
  const std::string sessions = Thousands(active) + " active session" + (active == 1 ? "" : "s");
  if (s.critical_load > 0 && active > s.critical_load) {
    return StepFailure{"critical load: " + sessions + " > " + std::to_string(s.critical_load) +
                       " (--critical-load); stopped at a batch boundary with every committed "
                       "batch kept; `pgshift run` resumes from there"};
  }
  if (s.max_load > 0 && active > s.max_load) {
    return std::optional<ThrottleReason>(
        ThrottleReason{"load", sessions + " > " + std::to_string(s.max_load) + " (--max-load)"});
  }
  return std::optional<ThrottleReason>();
}

Verdict Throttle::CheckReplicas() {
  const Millis limit = context_.settings.max_replica_lag;
  if (limit.count() <= 0) return std::optional<ThrottleReason>();
  const double max_seconds = limit.count() / 1000.0;
  std::optional<ThrottleReason> worst;
  double worst_lag = -1;
  auto consider = [&](double lag, double bytes, const std::string& standby) {
    if (lag <= max_seconds || lag <= worst_lag) return;
    worst_lag = lag;
    worst = ThrottleReason{"replica-lag", "replica lag " + FormatSeconds(lag) + " > " +
                                              FormatDuration(limit) + " on standby " + standby +
                                              " (" + Bytes(bytes) + " not replayed)"};
  };
  auto primary = context_.db.Exec(kPrimaryView);
  if (const DbError* error = ErrorOf(primary))
    return Lost("cannot read pg_stat_replication", *error);
  for (const Row& row : std::get<Rows>(primary).rows) {
    const double bytes = Number(row[2]);
    if (bytes > 0) consider(Number(row[1]), bytes, row[0].value_or("?"));
  }
  std::string primary_lsn = "NULL::pg_lsn";
  if (!replicas_.empty()) {
    auto lsn = context_.db.Exec(kPrimaryLsn);
    if (const DbError* error = ErrorOf(lsn)) return Lost("cannot read the WAL position", *error);
    const std::string text = std::get<Rows>(lsn).Scalar();
    if (!text.empty()) primary_lsn = context_.db.QuoteLiteral(text) + "::pg_lsn";
  }
  for (auto& replica : replicas_) {
    if (!replica->db) {
      auto connected = Connect(replica->url, "pgshift throttle");
      if (const DbError* error = ErrorOf(connected)) {
        if (!replica->reached)
          return StepFailure{"cannot connect to standby " + replica->shown + ": " + error->message};
        if (!worst) {
          worst = ThrottleReason{"replica-unreachable",
                                 "standby " + replica->shown + " cannot be reached (" +
                                     error->message + ")"};
        }
        continue;
      }
      replica->db = std::move(std::get<std::unique_ptr<Database>>(connected));
      replica->reached = true;
    }
    auto result = replica->db->Exec(StandbyLag(primary_lsn));
    if (const DbError* error = ErrorOf(result)) {
      if (!error->connection_lost)
        return StepFailure{"cannot read the replay position of standby " + replica->shown + ": " +
                           error->message};
      replica->db.reset();
      if (!worst) {
        worst = ThrottleReason{"replica-unreachable",
                               "standby " + replica->shown + " cannot be reached (" +
                                   error->message + ")"};
      }
      continue;
    }
    const Row& row = std::get<Rows>(result).rows.at(0);
    if (row[0].value_or("") != "t") {
      return StepFailure{"--replica " + replica->shown +
                         " is not a standby (pg_is_in_recovery() is false)"};
    }
    consider(Number(row[1]), Number(row[2]), replica->shown);
  }
  return worst;
}

Verdict Throttle::CheckQuery() {
  const std::string& query = context_.settings.throttle_query;
  if (query.empty()) return std::optional<ThrottleReason>();
  auto result = context_.db.Exec(query);
  if (const DbError* error = ErrorOf(result)) return Lost("the throttle query failed", *error);
  const std::string value = std::get<Rows>(result).Scalar();
  if (value.empty()) return std::optional<ThrottleReason>();
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0') {
    return StepFailure{"the throttle query returned `" + value +
                       "`, not a number (it should return a value above 0 to throttle)"};
  }
  if (number <= 0) return std::optional<ThrottleReason>();
  return std::optional<ThrottleReason>(
      ThrottleReason{"throttle-query", "throttle query returned " + value});
}

}  // namespace pgshift::runner
