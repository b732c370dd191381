#include "runner/steps.h"

#include <chrono>
#include <thread>

#include "runner/interrupt.h"
#include "runner/ledger.h"
#include "runner/retry.h"
#include "runner/session.h"

namespace pgshift::runner {
namespace {

using Clock = std::chrono::steady_clock;

long long MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<Millis>(Clock::now() - start).count();
}

std::string OneLine(std::string sql) {
  for (char& c : sql) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return sql.size() > 120 ? sql.substr(0, 117) + "..." : sql;
}

// An index named by a CREATE/DROP INDEX CONCURRENTLY: "valid", "invalid" or "absent".
std::string IndexState(Database& db, const std::string& index) {
  const auto result = db.Exec(
      "SELECT CASE WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END FROM pg_index i "
      "WHERE i.indexrelid = to_regclass(" +
      db.QuoteLiteral(QuoteQualified(db, index)) + ")");
  if (ErrorOf(result) != nullptr) return "unknown";
  const std::string state = std::get<Rows>(result).Scalar();
  return state.empty() ? "absent" : state;
}

StepFailure InterruptedDuring(const std::string& what) {
  const int signal = InterruptSignal();
  return StepFailure{std::string("interrupted by ") + InterruptName(signal) + " during " + what +
                         " (a statement in flight was cancelled and its transaction rolled back)",
                     false, signal};
}

}  // namespace

std::optional<StepFailure> WithLockRetries(StepContext& context, const std::string& what,
                                           const std::function<std::optional<DbError>()>& work,
                                           const std::function<void()>& before_retry) {
  const int attempts = context.settings.retries + 1;
  std::vector<std::string> blockers;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (Interrupted()) return InterruptedDuring(what);
    const auto start = Clock::now();
    const std::optional<DbError> error = work();
    if (!error) return std::nullopt;
    if (!error->connection_lost) context.db.Exec("ROLLBACK");
    if (Interrupted() && !error->connection_lost) return InterruptedDuring(what);
    if (error->connection_lost) {
      return StepFailure{"lost the connection to the server during " + what + ": " +
                             error->message +
                             " (the interrupted transaction was rolled back by the server; "
                             "`pgshift run` resumes)",
                         true};
    }
    if (!error->LockTimeout() && !error->Deadlock()) {
      return StepFailure{what + " failed: " + error->message};
    }
    std::vector<std::string> relations = context.objects.Relations();
    for (const std::string& table : LedgerTables()) relations.push_back(table);
    blockers = DescribeBlockers(context.db, relations);
    RunEvent event{"lock-retry", context.stage_id, "", MillisSince(start)};
    event.detail = {{"attempt", attempt + 1},
                    {"of", attempts},
                    {"blockers", blockers},
                    {"error", error->message}};
    if (attempt + 1 < attempts) {
      const Millis wait = Backoff(attempt, context.settings.retry_delay);
      event.message = what + ": " +
                      (error->Deadlock() ? "deadlock"
                                         : "lock not granted within " +
                                               FormatDuration(context.settings.lock_timeout)) +
                      " (attempt " + std::to_string(attempt + 1) + " of " +
                      std::to_string(attempts) + "); retrying in " + FormatDuration(wait) +
                      (blockers.empty() ? "" : "; blocked by " + blockers.front());
      event.detail["retry_in_ms"] = wait.count();
      context.sink.Emit(event);
      SleepUnlessInterrupted(wait);
      if (before_retry && !Interrupted()) before_retry();
    } else {
      event.message = what + ": lock not granted, attempt " + std::to_string(attempts) + " of " +
                      std::to_string(attempts);
      context.sink.Emit(event);
    }
  }
  std::string message = "gave up on " + what + " after " + std::to_string(attempts) +
                        " attempts, each waiting at most " +
                        FormatDuration(context.settings.lock_timeout) + " for its locks; ";
  if (blockers.empty()) {
    message += "the session in the way had finished by the time it was looked up";
  } else {
    message += "blocked by ";
    for (std::size_t i = 0; i < blockers.size(); ++i) message += (i ? "; and " : "") + blockers[i];
  }
  return StepFailure{message};
}

std::optional<StepFailure> RunStatements(StepContext& context,
                                         const std::vector<StatementReview>& statements, int from,
                                         const LedgerSql& ledger, bool resuming) {
  Database& db = context.db;
  int begin = from;
  const int size = static_cast<int>(statements.size());
  while (begin < size) {
    const bool outside = statements[begin].outside_transaction;
    int end = begin + 1;
    while (!outside && end < size && !statements[end].outside_transaction) ++end;
    const bool last = end == size;
    const std::string what = "statement " + std::to_string(begin + 1) +
                             (end - begin > 1 ? "-" + std::to_string(end) : "") + " of stage `" +
                             context.stage_id + "`";
    auto commit_ledger = [&]() -> std::optional<DbError> {
      auto sql = ledger(end, last);
      if (const DbError* error = ErrorOf(sql)) return *error;
      return ExecError(db, std::get<std::string>(sql) + "; COMMIT");
    };
    const auto start = Clock::now();
    std::optional<StepFailure> failure;
    if (!outside) {
      failure = WithLockRetries(context, what, [&]() -> std::optional<DbError> {
        if (auto error = ExecError(db, BeginWithTimeouts(context.settings))) return error;
        for (int i = begin; i < end; ++i) {
          auto result = db.Exec(statements[i].sql);
          if (const DbError* error = ErrorOf(result)) {
            DbError located = *error;
            located.message = "`" + OneLine(statements[i].sql) + "`: " + error->message;
            return located;
          }
        }
        return commit_ledger();
      });
    } else {
      const StatementReview& statement = statements[begin];
      const std::string index = statement.concurrent_index;
      const std::string& dropped = statement.dropped_index;
      auto cleanup = [&] {
        if (!index.empty() && IndexState(db, index) == "invalid") {
          context.sink.Emit({"note", context.stage_id,
                             "dropping the INVALID index " + index + " left by a failed attempt"});
          db.Exec("DROP INDEX CONCURRENTLY IF EXISTS " + QuoteQualified(db, index));
        }
      };
      bool skip = false;
      if (!index.empty()) {
        cleanup();
        skip = resuming && IndexState(db, index) == "valid";
      } else if (!dropped.empty()) {
        skip = resuming && IndexState(db, dropped) == "absent";
      }
      if (skip) {
        // Said as found: a rollback checks this too, where nothing need have been interrupted.
        context.sink.Emit({"note", context.stage_id,
                           "`" + OneLine(statement.sql) + "` skipped: " +
                               (index.empty() ? "the index " + dropped + " is absent already"
                                              : "the index " + index + " is built and valid "
                                                                       "already")});
      }
      failure = WithLockRetries(
          context, what,
          [&]() -> std::optional<DbError> {
            if (!skip) {
              auto result = db.Exec(statement.sql);
              if (const DbError* error = ErrorOf(result)) {
                DbError located = *error;
                located.message = "`" + OneLine(statement.sql) + "`: " + error->message;
                return located;
              }
              skip = true;  // done: a retry of the ledger update must not run it again
            }
            if (auto error = ExecError(db, BeginWithTimeouts(context.settings))) return error;
            return commit_ledger();
          },
          cleanup);
      if (failure && !failure->connection_lost) cleanup();
    }
    if (failure) return failure;
    for (int i = begin; i < end; ++i) {
      RunEvent event{"statement", context.stage_id, OneLine(statements[i].sql),
                     i + 1 == end ? MillisSince(start) : -1};
      context.sink.Emit(event);
    }
    begin = end;
  }
  return std::nullopt;
}

}  // namespace pgshift::runner
