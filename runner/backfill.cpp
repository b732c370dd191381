#include "runner/backfill.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runner/backfill_copy.h"
#include "runner/backfill_key.h"
#include "runner/batch_pace.h"
#include "runner/executor.h"
#include "runner/interrupt.h"
#include "runner/rate_window.h"
#include "runner/session.h"
#include "runner/throttle.h"

namespace pgshift::runner {
namespace {

using Clock = std::chrono::steady_clock;

// Builds the SQL of one backfill for one table and key.
class BatchSql {
 public:
  BatchSql(Database& db, const std::string& plan_id, const std::string& stage_id,
           const BackfillSpec& spec, std::vector<KeyColumn> key)
      : db_(db), spec_(spec), key_(std::move(key)) {
    table_ = QuoteQualified(db, spec.table);
    where_stage_ = " WHERE plan_id = " + db.QuoteLiteral(plan_id) +
                   " AND stage_id = " + db.QuoteLiteral(stage_id);
    for (std::size_t i = 0; i < key_.size(); ++i) {
      const std::string column = db.QuoteIdent(key_[i].name);
      const std::string alias = "pgshift_k" + std::to_string(i + 1);
      columns_ += (i ? ", " : "") + column;
      aliased_ += (i ? ", " : "") + column + " AS " + alias;
      key_descending_ += (i ? ", " : "") + column + " DESC";
      aliases_ += (i ? ", " : "") + alias;
      as_text_ += (i ? ", " : "") + alias + "::text";
    }
  }

  // The largest key now, as text per column, and the number of rows (all of them up to it), in
  // one snapshot. The count is a plain aggregate, a sequential scan (without parallel workers:
  // RunBackfill). Counted as a window over the backward index scan, it visited the heap row by
  // row and took ten times as long on a table with dead rows (a second backfill of a table).
  std::string Bounds() const {
    std::string cols;
    for (std::size_t i = 0; i < key_.size(); ++i)
      cols += std::string(i ? ", " : "") + "pgshift_k" + std::to_string(i + 1) + "::text";
    return "SELECT " + cols + ", (SELECT count(*) FROM " + table_ +
           ") AS pgshift_total FROM (SELECT " + aliased_ + " FROM " + table_ + " ORDER BY " +
           key_descending_ + " LIMIT 1) AS bounds";
  }

  // The key `limit` rows after `cursor` (none: from the start), as text per column, and whether
  // it lies past `max_key`; no row when fewer are left. Only a lower bound and ORDER BY ... LIMIT:
  // the planner reads the index in order whatever the statistics say (a range with both bounds
  // is estimated at 0.5% of a table without statistics, which once made a bitmap scan and a sort
  // of every remaining row look cheaper than reading `limit` index entries).
  std::string UpperKey(const std::vector<std::string>* cursor,
                       const std::vector<std::string>& max_key, long limit) const {
    // The text and the comparison are computed for the one row kept, not for each row skipped
    // (a third of the query's time). The inner columns have names of their own: named after the
    // key, `ORDER BY id` would sort by an output column rather than the table's.
    return "SELECT " + as_text_ + ", (" + aliases_ + ") > (" + Literals(max_key) +
           ") AS pgshift_past FROM (SELECT " + aliased_ + " FROM " + table_ +
           (cursor == nullptr ? "" : " WHERE " + After(*cursor)) + " ORDER BY " + columns_ +
           " OFFSET " + std::to_string(std::max(0L, limit - 1)) + " LIMIT 1) AS upper_key";
  }

  // The rows after `cursor` up to `upper`: the batch's key range, which the planner answers with
  // the key's index. A plain UPDATE, DELETE or copy without RETURNING: the server reports the
  // count.
  std::string Change(const std::vector<std::string>* cursor,
                     const std::vector<std::string>& upper) const {
    const std::string rows = " WHERE " + Range(cursor, upper) +
                             (spec_.where.empty() ? "" : " AND (" + spec_.where + ")");
    if (!spec_.insert_into.empty()) return CopyBatchChange(spec_, table_, rows);
    return spec_.delete_rows ? "DELETE FROM " + table_ + rows
                             : "UPDATE " + table_ + " SET " + spec_.set + rows;
  }

  // How many rows the last batch spans, which has fewer than `limit`.
  std::string Count(const std::vector<std::string>* cursor,
                    const std::vector<std::string>& upper) const {
    return "SELECT count(*) FROM " + table_ + " WHERE " + Range(cursor, upper);
  }

  // Sessions waiting for this transaction, asked just before it commits: every query that ran
  // into one of the batch's rows is still waiting then. None when it changed nothing.
  static std::string WaitingSessions() {
    return "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted"
           " AND transactionid::text::bigint = txid_current_if_assigned() % 4294967296";
  }

  // The ledger after a batch: its cursor and counts, in the batch's transaction, which it commits.
  std::string Advance(const std::vector<std::string>& upper, long long changed, long long scanned,
                      long limit) const {
    return "UPDATE pgshift.stages SET cursor = " + TextArrayOf(upper) +
           ", rows_done = rows_done + " + std::to_string(changed) +
           ", rows_scanned = rows_scanned + " + std::to_string(scanned) +
           ", batch_size = " + std::to_string(limit) + where_stage_ + "; COMMIT";
  }

  std::string Start(const std::vector<std::string>& max_key, long long total, long batch) const {
    return "UPDATE pgshift.stages SET max_key = " + TextArrayOf(max_key) +
           ", rows_total = " + std::to_string(total) + ", batch_size = " + std::to_string(batch) +
           where_stage_;
  }

 private:
  std::string After(const std::vector<std::string>& cursor) const {
    return "(" + columns_ + ") > (" + Literals(cursor) + ")";
  }
  std::string Range(const std::vector<std::string>* cursor,
                    const std::vector<std::string>& upper) const {
    return (cursor == nullptr ? "" : After(*cursor) + " AND ") + "(" + columns_ + ") <= (" +
           Literals(upper) + ")";
  }
  std::string Literals(const std::vector<std::string>& values) const {
    std::string out;
    for (std::size_t i = 0; i < key_.size(); ++i) {
      out += (i ? ", " : "") + db_.QuoteLiteral(i < values.size() ? values[i] : "") +
             "::" + key_[i].type;
    }
    return out;
  }
  std::string TextArrayOf(const std::vector<std::string>& values) const {
    std::string out = "ARRAY[";
    for (std::size_t i = 0; i < values.size(); ++i)
      out += (i ? ", " : "") + db_.QuoteLiteral(values[i]);
    return out + "]::text[]";
  }

  Database& db_;
  const BackfillSpec& spec_;
  std::vector<KeyColumn> key_;
  std::string table_, where_stage_, columns_, aliased_, aliases_, key_descending_, as_text_;
};

void WaitWhilePaused(StepContext& context) {
  const std::string& file = context.settings.pause_file;
  std::error_code ignored;
  if (file.empty() || !std::filesystem::exists(file, ignored)) return;
  context.sink.Emit({"note", context.stage_id, "paused: " + file + " exists; remove it to go on"});
  while (std::filesystem::exists(file, ignored) && !Interrupted())
    SleepUnlessInterrupted(std::chrono::milliseconds(200));
  context.sink.Emit({"note", context.stage_id, "resumed"});
}

}  // namespace

BatchStatements BackfillBatchStatements(Database& db, const BackfillSpec& spec,
                                        const std::vector<KeyColumn>& key,
                                        const std::vector<std::string>* cursor,
                                        const std::vector<std::string>& max_key, long limit) {
  const BatchSql sql(db, "plan", "stage", spec, key);
  return {sql.UpperKey(cursor, max_key, limit), sql.Change(cursor, max_key)};
}

long NextBatchSize(long current, Millis took, Millis target, long min, long max,
                   double min_factor) {
  double factor = took.count() <= 0 ? 2.0 : static_cast<double>(target.count()) / took.count();
  factor = std::clamp(factor, min_factor, 2.0);
  const long next = static_cast<long>(current * factor);
  return std::clamp(next, min, std::max(min, max));
}

std::optional<StepFailure> RunBackfill(StepContext& context, const std::string& plan_id,
                                       const BackfillSpec& spec, const StageRecord& record) {
  Database& db = context.db;
  auto key = BackfillKey(db, spec.table, spec.key);
  if (auto* refused = std::get_if<std::string>(&key)) return StepFailure{*refused};
  const std::vector<KeyColumn> columns = std::get<std::vector<KeyColumn>>(key);
  const BatchSql sql(db, plan_id, context.stage_id, spec, columns);
  const RunSettings& settings = context.settings;
  long batch = record.batch_size > 0
                   ? static_cast<long>(record.batch_size)
                   : (spec.batch_size > 0 ? spec.batch_size : settings.batch_size);
  std::vector<std::string> max_key = record.max_key;
  long long total = record.rows_total.value_or(0);
  if (!record.has_max_key) {
    // The count runs on this backend alone: a parallel scan of a big table took every core from
    // the application for its duration, the slowest moment of the whole backfill for it.
    auto bounds = db.Exec(BeginWithTimeouts(settings) +
                          "; SET LOCAL max_parallel_workers_per_gather = 0; " + sql.Bounds());
    const auto abandon = [&](const DbError& error, const std::string& what) {
      if (!error.connection_lost) db.Exec("ROLLBACK");
      return StepFailure{what + error.message, error.connection_lost};
    };
    if (const DbError* error = ErrorOf(bounds))
      return abandon(*error, "cannot read the key range: ");
    const Rows& rows = std::get<Rows>(bounds);
    if (!rows.empty()) {
      for (std::size_t i = 0; i < columns.size(); ++i)
        max_key.push_back(rows.rows[0][i].value_or(""));
      total = std::stoll(rows.rows[0][columns.size()].value_or("0"));
    }
    const std::string record_start =
        rows.empty() ? "COMMIT" : sql.Start(max_key, total, batch) + "; COMMIT";
    if (auto error = ExecError(db, record_start))
      return abandon(*error, "cannot record the key range: ");
  }
  std::vector<std::string> cursor = record.cursor;
  bool has_cursor = record.has_cursor;
  long long scanned_total = record.rows_scanned, done_total = record.rows_done;
  RunEvent started{"backfill-started", context.stage_id,
                   (has_cursor ? "resuming " : "backfilling ") + spec.table + ": " +
                       std::to_string(total) + " rows up to the largest key at start"};
  started.detail = {{"rows_total", total}, {"rows_scanned", scanned_total}, {"batch_size", batch}};
  context.sink.Emit(started);
  Throttle throttle(context);
  // Time spent throttled is not the backfill's pace: the window's clock stops while it waits.
  RateWindow window;
  window.Add(Clock::now(), scanned_total);
  BatchPace pace(settings.batch_time);
  while (!max_key.empty()) {
    WaitWhilePaused(context);
    if (auto stopped = throttle.Wait()) return stopped;
    long long scanned = 0, changed = 0, waiting = 0;
    bool final_batch = false;
    std::vector<std::string> upper;
    const auto start = Clock::now();
    const std::vector<std::string>* after = has_cursor ? &cursor : nullptr;
    // One transaction per batch: find the batch's last key, change the rows up to it, advance
    // the ledger. A batch is recorded if and only if its rows changed.
    auto failure = WithLockRetries(
        context, "a batch of `" + context.stage_id + "`", [&]() -> std::optional<DbError> {
          auto found =
              db.Exec(BeginWithTimeouts(settings) + "; " + sql.UpperKey(after, max_key, batch));
          if (const DbError* error = ErrorOf(found)) return *error;
          const Rows& key = std::get<Rows>(found);
          final_batch = key.empty() || key.rows[0][columns.size()].value_or("") == "t";
          upper.clear();
          for (std::size_t i = 0; i < columns.size(); ++i)
            upper.push_back(final_batch ? max_key[i] : key.rows[0][i].value_or(""));
          scanned = batch;
          if (final_batch) {
            auto counted = db.Exec(sql.Count(after, upper));
            if (const DbError* error = ErrorOf(counted)) return *error;
            scanned = std::stoll(std::get<Rows>(counted).Scalar());
          }
          auto changes = db.Exec(sql.Change(after, upper));
          if (const DbError* error = ErrorOf(changes)) return *error;
          changed = std::get<Rows>(changes).affected;
          auto waiters = db.Exec(BatchSql::WaitingSessions());
          if (const DbError* error = ErrorOf(waiters)) return *error;
          waiting = std::stoll(std::get<Rows>(waiters).Scalar());
          return ExecError(db, sql.Advance(upper, changed, scanned, batch));
        });
    if (failure) return failure;
    const Millis took = std::chrono::duration_cast<Millis>(Clock::now() - start);
    const Millis target_before = pace.Target(Clock::now());
    pace.Observe(waiting, Clock::now());
    const Millis target = pace.Target(Clock::now());
    cursor = upper;
    has_cursor = true;
    scanned_total += scanned;
    done_total += changed;
    window.Add(Clock::now() - throttle.Total(), scanned_total);
    const double rate = window.PerSecond();
    RunEvent event{"batch", context.stage_id, "", took.count()};
    event.detail = {
        {"rows_scanned", scanned_total},
        {"rows_total", total},
        {"rows_updated", done_total},
        {"batch_rows", scanned},
        {"batch_size", batch},
        {"waiting_sessions", waiting},
        {"next_batch_ms", static_cast<long long>(target.count())},
        {"contended", pace.Contended(Clock::now())},
        {"rows_per_second", static_cast<long long>(rate)},
        {"throttled_ms", static_cast<long long>(throttle.Total().count())},
        {"eta_seconds",
         rate > 0 ? static_cast<long long>(std::max(0.0, (total - scanned_total) / rate)) : -1}};
    // rows_updated stays for readers of earlier journals; a delete names its count rightly too.
    const std::string_view verb = ChangedRowsVerb(spec);
    if (verb != "updated") event.detail["rows_" + std::string(verb)] = done_total;
    context.sink.Emit(event);
    if (final_batch) break;  // nothing is left up to the key that was largest at start
    batch = NextBatchSize(batch, took, target, settings.min_batch_size, settings.max_batch_size,
                          target < target_before ? 0.0 : 0.5);
    if (settings.throttle.count() > 0) SleepUnlessInterrupted(settings.throttle);
  }
  return WithLockRetries(
      context, "closing `" + context.stage_id + "`", [&]() -> std::optional<DbError> {
        if (auto error = ExecError(db, BeginWithTimeouts(context.settings))) return error;
        auto done = DoneAssignments(db, context.objects);
        if (const DbError* error = ErrorOf(done)) return *error;
        return ExecError(
            db,
            StageUpdate(db, plan_id, context.stage_id, std::get<std::string>(done)) + "; COMMIT");
      });
}

}  // namespace pgshift::runner
