// Runs a stage's statements: consecutive statements that may share a transaction run in one,
// each with lock_timeout and bounded, jittered retries; CONCURRENTLY statements run alone outside
// a transaction, with an INVALID index from a failed attempt dropped before the retry. After each
// group the caller's ledger update commits in the same transaction as the group's work.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runner/catalog_objects.h"
#include "runner/database.h"
#include "runner/events.h"
#include "runner/plan_review.h"
#include "runner/settings.h"

namespace pgshift::runner {

struct StepContext {
  Database& db;
  const RunSettings& settings;
  EventSink& sink;
  // What the plan names: what its checkpoints cover, and whose lock holders to name when blocked.
  const CatalogObjects& objects;
  std::string stage_id;
};

struct StepFailure {
  std::string message;
  bool connection_lost = false;
  int interrupted = 0;  // SIGINT or SIGTERM when a signal stopped it (runner/interrupt.h)
};

// SQL to run inside the transaction that commits statements up to `end` (exclusive); `last` is
// set for the group that ends the list. Runs inside the open transaction, so it may query.
using LedgerSql = std::function<DbResult<std::string>(int end, bool last)>;

// Runs statements [from, size) and returns the failure that stopped it, if any. `resuming` lets a
// CONCURRENTLY index build or drop that an interrupted run already finished count as done.
std::optional<StepFailure> RunStatements(StepContext& context,
                                         const std::vector<StatementReview>& statements, int from,
                                         const LedgerSql& ledger, bool resuming);

// Runs `work` (which issues its own BEGIN ... COMMIT, or one statement) with lock-timeout retries.
// `work` returns the error that stopped it; the transaction is rolled back before a retry. When
// it gives up, the message names the sessions holding locks on the plan's relations or the ledger.
// After SIGINT or SIGTERM it starts no attempt, and a cancelled one is rolled back, not retried.
std::optional<StepFailure> WithLockRetries(StepContext& context, const std::string& what,
                                           const std::function<std::optional<DbError>()>& work,
                                           const std::function<void()>& before_retry = nullptr);

// The same for the runner's own queries that return a value (reading the ledger, a fingerprint):
// a lock on the ledger or on a table the fingerprint reads is waited for no longer than
// lock_timeout per attempt, as a statement's is.
template <class T>
std::variant<T, StepFailure> QueryWithLockRetries(StepContext& context, const std::string& what,
                                                  const std::function<DbResult<T>()>& query) {
  std::optional<T> value;
  auto failure = WithLockRetries(context, what, [&]() -> std::optional<DbError> {
    auto result = query();
    if (const DbError* error = ErrorOf(result)) return *error;
    value = std::get<T>(std::move(result));
    return std::nullopt;
  });
  if (failure) return *std::move(failure);
  return *std::move(value);
}

}  // namespace pgshift::runner
