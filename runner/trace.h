// Runs statements one at a time against a real server and records what each one did: the
// relation locks it took (pg_locks), the relations that got new storage (pg_class.relfilenode
// before and after: a rewrite, or TRUNCATE), the tables it read in full (sequential scans in
// pg_stat_xact_user_tables) and how long it ran.
//
// Two ways to run:
//  - rolled back (the default): the statements run in one transaction that is rolled back at the
//    end, each in a savepoint, so that later statements see what earlier ones created and a
//    failing one does not stop the rest. A statement's locks are those held after it that the
//    transaction did not hold before it; a mode an earlier statement already took is marked so.
//    Statements PostgreSQL refuses inside a transaction block are not run.
//  - committed: each statement runs in a transaction of its own, committed. A statement that
//    cannot run inside a transaction block runs on its own, while a second connection samples its
//    locks (LockSampler); scans are not visible then.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/ast.h"
#include "rules/analysis/lock_model.h"
#include "runner/database.h"

namespace pgshift::runner {

// A relation of the user's schemas as it stood before a statement.
struct TracedRelation {
  long long oid = 0;
  parser::QualifiedName name;  // schema-qualified
  char kind = 'r';             // pg_class.relkind: r table, p partitioned, m matview, i/I index...
  bool IsTable() const { return kind == 'r' || kind == 'p' || kind == 'm' || kind == 'f'; }
  bool HasStorage() const { return kind == 'r' || kind == 'm' || kind == 'i' || kind == 'S'; }
};

struct ObservedLock {
  TracedRelation relation;
  rules::LockMode mode;
  bool granted = true;  // false: only ever seen waiting for it (sampled statements)
};

enum class TraceStatus {
  kRan,
  kFailed,   // the server returned an error (the statement's effects were undone)
  kNotRun,   // cannot run in this mode (see `reason`)
  kSkipped,  // transaction control, which the trace does itself
};

struct StatementObservation {
  TraceStatus status = TraceStatus::kRan;
  std::string reason;            // why not run or skipped
  std::optional<DbError> error;  // kFailed
  bool in_transaction = true;    // ran inside a transaction block: scans visible
  bool sampled = false;          // locks sampled from a second connection while it ran
  double duration_ms = 0;
  std::vector<ObservedLock> locks;  // on relations that existed before it, by oid
  // Rolled back: the locks the transaction held before this statement (earlier statements').
  std::vector<ObservedLock> held_before;
  std::vector<TracedRelation> new_storage;  // relfilenode changed: tables and indexes
  std::vector<TracedRelation> scanned;      // sequential scans grew (in_transaction only)
};

struct TraceMode {
  bool commit = false;
  // Where the lock sampler connects (the same server and database as the traced session).
  std::string observer_url;
  int sample_interval_ms = 10;  // after the first second (see LockSampler)
};

class Tracer {
 public:
  Tracer(Database& db, TraceMode mode) : db_(db), mode_(std::move(mode)) {}

  // Rolled back: opens the transaction every statement runs in.
  std::optional<DbError> Begin();
  // One statement. `refused_in_block`: the parser knows PostgreSQL refuses it inside a
  // transaction block (the server's refusal is also recognised).
  StatementObservation Run(std::string_view sql, bool refused_in_block);
  // Rolled back: rolls the transaction back. Committed: nothing to do.
  std::optional<DbError> Finish();

 private:
  StatementObservation RunInTransaction(std::string_view sql, bool& refused);
  StatementObservation RunSampled(std::string_view sql);

  Database& db_;
  TraceMode mode_;
  bool open_ = false;
};

}  // namespace pgshift::runner
