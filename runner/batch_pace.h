// How long the next backfill batch should take, given whether the last ones made anyone wait.
//
// Why: a batch holds the lock of every row it changed until it commits, so an application query
// that touches one of them waits for the rest of the batch. How many rows are locked at a time,
// and so how often the application runs into one and for how long, grows with the batch's
// duration. With nobody waiting, long batches are the faster pace; once a batch has made a
// session wait, the batches that follow aim at a fifth of the batch time (not under 10 ms, where
// each batch's own statements would cost more than they save), until none has made anyone wait
// for `calm` (bench/RESULTS.md, Runner, "Batches that make the application wait").
#pragma once

#include <algorithm>
#include <chrono>

#include "runner/settings.h"

namespace pgshift::runner {

class BatchPace {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kContendedDivisor = 5;
  static constexpr Millis kContendedFloor{10};

  explicit BatchPace(Millis batch_time, Millis calm = Millis(5000))
      : batch_time_(batch_time), calm_(calm) {}

  // After a batch: how many sessions waited on its rows as it was about to commit.
  void Observe(long long waiting_sessions, Clock::time_point now) {
    if (waiting_sessions > 0) contended_until_ = now + calm_;
  }

  bool Contended(Clock::time_point now) const { return now < contended_until_; }

  // The duration the next batch aims at.
  Millis Target(Clock::time_point now) const {
    if (!Contended(now)) return batch_time_;
    return std::min(batch_time_, std::max(batch_time_ / kContendedDivisor, kContendedFloor));
  }

 private:
  Millis batch_time_;
  Millis calm_;
  Clock::time_point contended_until_{};
};

}  // namespace pgshift::runner
