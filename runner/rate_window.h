// A backfill's rate over the last few seconds, for its progress and ETA: an average since the
// start would carry one pause (a lock waited for, a slow batch, a stall on the server) to the end
// of the backfill, and a rate over the last batch alone jumps with every batch.
#pragma once

#include <chrono>
#include <deque>
#include <utility>

namespace pgshift::runner {

class RateWindow {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateWindow(Clock::duration span = std::chrono::seconds(10)) : span_(span) {}

  // `rows` done in all by `at` (times that only increase).
  void Add(Clock::time_point at, long long rows) {
    samples_.emplace_back(at, rows);
    // The oldest sample kept is the last one at or before the window's start.
    while (samples_.size() > 2 && samples_[1].first <= at - span_) samples_.pop_front();
  }
  // Rows per second between the window's first sample and its last; 0 before two samples.
  double PerSecond() const {
    if (samples_.size() < 2) return 0;
    const auto& [from, from_rows] = samples_.front();
    const auto& [to, to_rows] = samples_.back();
    const double seconds = std::chrono::duration<double>(to - from).count();
    return seconds > 0 ? static_cast<double>(to_rows - from_rows) / seconds : 0;
  }

 private:
  Clock::duration span_;
  std::deque<std::pair<Clock::time_point, long long>> samples_;
};

}  // namespace pgshift::runner
