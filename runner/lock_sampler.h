// Watches another backend's relation locks from a connection of its own, polling pg_locks while
// that backend runs a statement that cannot run inside a transaction block (CREATE INDEX
// CONCURRENTLY, VACUUM, ...): its own session cannot look while the statement runs. Every lock
// seen, granted or awaited, is kept. It polls every millisecond for the first second, then every
// interval; a lock held for less than that can be missed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "runner/database.h"

namespace pgshift::runner {

// One relation lock: the relation's oid and pg_locks' mode name ("ShareLock").
struct SampledLock {
  long long relation = 0;
  std::string mode;
  bool granted = true;

  auto operator<=>(const SampledLock&) const = default;
};

class LockSampler {
 public:
  // Connects to `url` and polls the locks of server process `pid` every `interval_ms` until
  // Stop(). Start() returns once the first poll is done, or the error that prevented it.
  LockSampler(std::string url, int pid, int interval_ms);
  ~LockSampler();
  LockSampler(const LockSampler&) = delete;
  LockSampler& operator=(const LockSampler&) = delete;

  std::optional<DbError> Start();
  // Polls once more, stops, and returns every lock seen; `error` is set when a poll failed.
  std::set<SampledLock> Stop(std::optional<DbError>& error);

 private:
  void Loop();

  std::string url_;
  int pid_;
  int interval_ms_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool started_ = false;
  bool stop_ = false;
  std::optional<DbError> error_;
  std::set<SampledLock> seen_;
};

}  // namespace pgshift::runner
