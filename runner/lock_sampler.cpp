#include "runner/lock_sampler.h"

#include <chrono>
#include <cstdlib>

namespace pgshift::runner {

LockSampler::LockSampler(std::string url, int pid, int interval_ms)
    : url_(std::move(url)), pid_(pid), interval_ms_(interval_ms) {}

LockSampler::~LockSampler() {
  std::optional<DbError> ignored;
  Stop(ignored);
}

std::optional<DbError> LockSampler::Start() {
  thread_ = std::thread([this] { Loop(); });
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return started_ || error_.has_value(); });
  return started_ ? std::nullopt : error_;
}

std::set<SampledLock> LockSampler::Stop(std::optional<DbError>& error) {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  error = error_;
  return seen_;
}

void LockSampler::Loop() {
  auto connected = Connect(url_, "pgshift trace observer");
  if (const DbError* error = ErrorOf(connected)) {
    std::lock_guard lock(mutex_);
    error_ = *error;
    changed_.notify_all();
    return;
  }
  Database& db = *std::get<std::unique_ptr<Database>>(connected);
  const std::string query =
      "SELECT relation::bigint, mode, granted FROM pg_locks WHERE locktype = 'relation' "
      "AND pid = " +
      std::to_string(pid_);
  const auto begun = std::chrono::steady_clock::now();
  while (true) {
    // Read the flag before polling, so that the poll after Stop() is the last one.
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      stopping = stop_;
    }
    auto rows = db.Exec(query);
    std::unique_lock lock(mutex_);
    if (const DbError* error = ErrorOf(rows)) {
      error_ = *error;
      changed_.notify_all();
      return;
    }
    for (const Row& row : std::get<Rows>(rows).rows) {
      if (row.size() < 3 || !row[0] || !row[1]) continue;
      seen_.insert({std::atoll(row[0]->c_str()), *row[1], row[2].value_or("t") == "t"});
    }
    if (!started_) {
      started_ = true;
      changed_.notify_all();
    }
    if (stopping) return;
    // Every millisecond for the first second, to catch short statements; then every interval.
    const auto pause = std::chrono::steady_clock::now() - begun < std::chrono::seconds(1)
                           ? std::chrono::milliseconds(1)
                           : std::chrono::milliseconds(interval_ms_);
    changed_.wait_for(lock, pause, [this] { return stop_; });
  }
}

}  // namespace pgshift::runner
