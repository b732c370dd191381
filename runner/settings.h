// The runner's knobs, with defaults; pgshift.toml's [runner] section and flags override them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::runner {

using Millis = std::chrono::milliseconds;

struct RunSettings {
  // Per DDL transaction and per backfill batch: how long the application's queries may queue
  // behind the runner. Half of PostgreSQL's deadlock_timeout (1 s), so that in a circle of waits
  // with the application the runner gives up before the application's query is cancelled.
  Millis lock_timeout{500};
  Millis statement_timeout{600000};  // 10 min; 0 turns it off
  Millis idle_in_transaction_timeout{60000};
  int retries = 5;          // attempts after the first, on a lock timeout
  Millis retry_delay{500};  // first backoff; doubles, with jitter, up to 30 s
  long batch_size = 1000;   // first backfill batch
  long min_batch_size = 100;
  long max_batch_size = 100000;
  Millis batch_time{50};  // batch size adapts toward this duration (see bench/RESULTS.md)
  Millis throttle{0};      // sleep after each batch
  std::string pause_file;  // while this file exists, the backfill waits
  // Throttling between backfill batches (runner/throttle.h); 0 or empty turns each check off.
  Millis max_replica_lag{0};          // wait while a standby replays further behind than this
  std::vector<std::string> replicas;  // standby URLs read directly, besides pg_stat_replication
  std::string throttle_query;         // wait while it returns a value above 0
  int max_load = 0;       // wait while more application sessions than this are active
  int critical_load = 0;  // stop at a batch boundary while more than this are active
};

// The longest duration: PostgreSQL's timeouts stop at INT_MAX milliseconds (about 24.8 days).
inline constexpr Millis kMaxDuration{2147483647};

// "1s", "500ms", "2min", "1h", "0": a duration. Plain numbers are milliseconds. None beyond
// kMaxDuration.
std::optional<Millis> ParseDuration(std::string_view text);
std::string FormatDuration(Millis duration);  // "1.5 s", "200 ms", "2 min 5 s"

}  // namespace pgshift::runner
