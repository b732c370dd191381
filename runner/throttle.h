// Throttling between backfill batches: the backfill waits while a standby replays too far behind
// (pg_stat_replication on the primary, and each standby named with --replica read directly),
// while the throttle query returns a value above 0, or while more application sessions are active
// than --max-load allows; beyond --critical-load it stops at the batch boundary, resumably.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runner/database.h"
#include "runner/steps.h"

namespace pgshift::runner {

// A limit exceeded now: what (a short name for the journal), and the sentence people read
// ("replica lag 4.2 s > 2 s on standby 127.0.0.1:5433").
struct ThrottleReason {
  std::string kind;  // replica-lag, replica-unreachable, throttle-query, load
  std::string text;
};

class Throttle {
 public:
  explicit Throttle(StepContext& context);
  ~Throttle();

  // Before a batch: returns at once when no limit is exceeded, else waits (saying why in a
  // `throttled` event, and how long in a `throttle-lifted` one) until none is. A failure stops
  // the run at this batch boundary: critical load, a standby that is not one, a failing throttle
  // query, or the lost connection to the target.
  std::optional<StepFailure> Wait();

  // Whether any check is configured at all.
  bool Enabled() const;
  // All the time waited so far.
  Millis Total() const { return total_; }

 private:
  struct Replica;
  // The first limit exceeded now, or none; a failure ends the run.
  std::variant<std::optional<ThrottleReason>, StepFailure> Check();
  std::variant<std::optional<ThrottleReason>, StepFailure> CheckReplicas();
  std::variant<std::optional<ThrottleReason>, StepFailure> CheckQuery();
  std::variant<std::optional<ThrottleReason>, StepFailure> CheckLoad();

  StepContext& context_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  Millis total_{0};
};

// --max-replica-lag and max_replica_lag: a number of seconds ("2", "0.5") or a duration
// ("500ms", "1min"); none when neither or not above zero.
std::optional<Millis> ParseReplicaLag(const std::string& text);

// "4.2 s", "350 ms": a lag for the throttle's messages.
std::string FormatSeconds(double seconds);

}  // namespace pgshift::runner
