#include "runner/trace.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "runner/lock_sampler.h"

namespace pgshift::runner {
namespace {

// What the trace reads about a relation before and after a statement.
struct RelationState {
  TracedRelation relation;
  std::string relfilenode;
  long long scans = 0;  // sequential scans started in this transaction
};
using Snapshot = std::map<long long, RelationState>;

// The user's relations, from the system catalogs only (no lock on any of them).
DbResult<Snapshot> TakeSnapshot(Database& db) {
  auto rows = db.Exec(
      "SELECT c.oid::bigint, n.nspname, c.relname, c.relkind, c.relfilenode::bigint,"
      " coalesce(pg_stat_get_xact_numscans(c.oid), 0)"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind IN ('r', 'p', 'm', 'f', 'i', 'I', 'S', 'v')"
      " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      " AND n.nspname !~ '^pg_(toast|temp_)'");
  if (const DbError* error = ErrorOf(rows)) return *error;
  Snapshot snapshot;
  for (const Row& row : std::get<Rows>(rows).rows) {
    if (row.size() < 6 || !row[0] || !row[1] || !row[2] || !row[3]) continue;
    RelationState state;
    state.relation.oid = std::atoll(row[0]->c_str());
    state.relation.name = {*row[1], *row[2]};
    state.relation.kind = row[3]->empty() ? '?' : (*row[3])[0];
    state.relfilenode = row[4].value_or("0");
    state.scans = std::atoll(row[5].value_or("0").c_str());
    snapshot.emplace(state.relation.oid, std::move(state));
  }
  return snapshot;
}

// This session's relation locks, as (oid, pg_locks mode name).
DbResult<std::set<std::pair<long long, std::string>>> OwnLocks(Database& db) {
  auto rows = db.Exec(
      "SELECT relation::bigint, mode FROM pg_locks"
      " WHERE locktype = 'relation' AND pid = pg_backend_pid()");
  if (const DbError* error = ErrorOf(rows)) return *error;
  std::set<std::pair<long long, std::string>> locks;
  for (const Row& row : std::get<Rows>(rows).rows) {
    if (row.size() >= 2 && row[0] && row[1]) locks.emplace(std::atoll(row[0]->c_str()), *row[1]);
  }
  return locks;
}

// A lock on a relation of the snapshot, or nothing (a catalog, or a relation the statement made).
std::optional<ObservedLock> Resolve(const Snapshot& before, long long oid, const std::string& mode,
                                    bool granted) {
  const auto relation = before.find(oid);
  const std::optional<rules::LockMode> parsed = rules::ParseLockMode(mode);
  if (relation == before.end() || !parsed) return std::nullopt;
  return ObservedLock{relation->second.relation, *parsed, granted};
}

// New storage and scans: what changed between the snapshots.
void CompareSnapshots(const Snapshot& before, const Snapshot& after, bool scans_visible,
                      StatementObservation& out) {
  for (const auto& [oid, was] : before) {
    const auto now = after.find(oid);
    if (now == after.end()) continue;  // dropped
    if (was.relation.HasStorage() && was.relfilenode != "0" &&
        now->second.relfilenode != was.relfilenode) {
      out.new_storage.push_back(was.relation);
    }
    if (scans_visible && was.relation.IsTable() && now->second.scans > was.scans) {
      out.scanned.push_back(was.relation);
    }
  }
}

// Tables before indexes and the rest, by name, the strongest mode first.
void SortLocks(std::vector<ObservedLock>& locks) {
  std::sort(locks.begin(), locks.end(), [](const ObservedLock& a, const ObservedLock& b) {
    const auto key = [](const ObservedLock& l) {
      return std::make_tuple(!l.relation.IsTable(), l.relation.name.ToString(),
                             -static_cast<int>(l.mode));
    };
    return key(a) < key(b);
  });
}

StatementObservation Failed(DbError error) {
  StatementObservation out;
  out.status = TraceStatus::kFailed;
  out.error = std::move(error);
  return out;
}

constexpr std::string_view kRefusedSqlstate = "25001";  // active_sql_transaction

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::optional<DbError> Tracer::Begin() {
  if (mode_.commit) return std::nullopt;
  if (auto error = ExecError(db_, "BEGIN")) return error;
  open_ = true;
  return std::nullopt;
}

std::optional<DbError> Tracer::Finish() {
  if (!open_) return std::nullopt;
  open_ = false;
  return ExecError(db_, "ROLLBACK");
}

StatementObservation Tracer::Run(std::string_view sql, bool refused_in_block) {
  const std::string not_run =
      "PostgreSQL refuses it inside a transaction block, and this trace rolls back: trace it with "
      "--commit or --sandbox";
  if (refused_in_block) {
    if (!mode_.commit) return {TraceStatus::kNotRun, not_run};
    return RunSampled(sql);
  }
  bool refused = false;
  StatementObservation out = RunInTransaction(sql, refused);
  if (!refused) return out;
  if (!mode_.commit) return {TraceStatus::kNotRun, not_run};
  return RunSampled(sql);
}

// Rolled back: in a savepoint of the open transaction. Committed: in a transaction of its own.
StatementObservation Tracer::RunInTransaction(std::string_view sql, bool& refused) {
  const std::string_view open = mode_.commit ? "BEGIN" : "SAVEPOINT pgshift_trace";
  const std::string_view undo = mode_.commit ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT pgshift_trace";
  const std::string_view keep = mode_.commit ? "COMMIT" : "RELEASE SAVEPOINT pgshift_trace";
  if (auto error = ExecError(db_, open)) return Failed(*error);
  auto before = TakeSnapshot(db_);
  auto held = OwnLocks(db_);
  if (const DbError* error = ErrorOf(before)) return Failed(*error);
  if (const DbError* error = ErrorOf(held)) return Failed(*error);

  const auto start = std::chrono::steady_clock::now();
  auto result = db_.Exec(sql);
  const double duration = MillisSince(start);
  if (const DbError* error = ErrorOf(result)) {
    DbError failure = *error;
    ExecError(db_, undo);
    if (!mode_.commit) ExecError(db_, "RELEASE SAVEPOINT pgshift_trace");
    refused = failure.sqlstate == kRefusedSqlstate;
    return Failed(std::move(failure));
  }
  auto locks = OwnLocks(db_);
  auto after = TakeSnapshot(db_);
  std::optional<DbError> read_error;
  if (const DbError* error = ErrorOf(locks)) read_error = *error;
  if (const DbError* error = ErrorOf(after)) read_error = *error;
  if (read_error) {
    ExecError(db_, undo);
    return Failed(*read_error);
  }
  if (auto error = ExecError(db_, keep)) {
    if (!mode_.commit) ExecError(db_, undo);
    return Failed(*error);
  }

  StatementObservation out;
  out.duration_ms = duration;
  const Snapshot& was = std::get<Snapshot>(before);
  const auto& held_before = std::get<std::set<std::pair<long long, std::string>>>(held);
  for (const auto& [oid, mode] : std::get<std::set<std::pair<long long, std::string>>>(locks)) {
    if (auto lock = Resolve(was, oid, mode, true)) {
      (held_before.count({oid, mode}) > 0 ? out.held_before : out.locks).push_back(*lock);
    }
  }
  SortLocks(out.locks);
  SortLocks(out.held_before);
  CompareSnapshots(was, std::get<Snapshot>(after), /*scans_visible=*/true, out);
  return out;
}

// Outside a transaction block, watched from a second connection.
StatementObservation Tracer::RunSampled(std::string_view sql) {
  auto before = TakeSnapshot(db_);
  if (const DbError* error = ErrorOf(before)) return Failed(*error);
  LockSampler sampler(mode_.observer_url, db_.BackendPid(), mode_.sample_interval_ms);
  if (auto error = sampler.Start()) {
    StatementObservation out{TraceStatus::kNotRun,
                             "cannot watch its locks from a second connection: " + error->message};
    return out;
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = db_.Exec(sql);
  const double duration = MillisSince(start);
  std::optional<DbError> sample_error;
  const std::set<SampledLock> seen = sampler.Stop(sample_error);
  if (const DbError* error = ErrorOf(result)) return Failed(*error);
  auto after = TakeSnapshot(db_);
  if (const DbError* error = ErrorOf(after)) return Failed(*error);

  StatementObservation out;
  out.in_transaction = false;
  out.sampled = true;
  out.duration_ms = duration;
  if (sample_error) out.reason = "lock sampling stopped early: " + sample_error->message;
  const Snapshot& was = std::get<Snapshot>(before);
  std::map<std::pair<long long, std::string>, bool> granted;  // seen granted at least once
  for (const SampledLock& lock : seen) granted[{lock.relation, lock.mode}] |= lock.granted;
  for (const auto& [key, ever_granted] : granted) {
    if (auto lock = Resolve(was, key.first, key.second, ever_granted)) out.locks.push_back(*lock);
  }
  SortLocks(out.locks);
  CompareSnapshots(was, std::get<Snapshot>(after), /*scans_visible=*/false, out);
  return out;
}

}  // namespace pgshift::runner
