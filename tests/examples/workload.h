// One release of an example's application, run as a client of its own: a thread with its own
// libpq connection that repeats the release's statements (writes, then reads) until stopped, and
// records every error and how long each statement took. Deliberately independent of the runner's
// database code.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/examples/app_spec.h"

namespace pgshift::testing {

// One statement the application ran: when it started, how long it took, and whether it failed.
struct LatencySample {
  std::chrono::steady_clock::time_point start;
  std::chrono::microseconds latency;
  bool ok = true;
};

class Workload {
 public:
  // `counter` hands out the numbers bound to $1, unique across every workload sharing it.
  Workload(std::string url, AppRelease release, std::atomic<long>& counter);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  void Start();
  // Lets the current iteration finish, then stops and closes the connection.
  void Stop();
  bool Running() const { return thread_.joinable(); }

  // Waits until `more` iterations have completed since the call; false on timeout.
  bool WaitForIterations(long more, std::chrono::seconds timeout) const;
  long Iterations() const { return iterations_.load(); }
  long ErrorCount() const { return error_count_.load(); }
  // The first errors, each naming the release, the iteration, the statement and the message.
  std::vector<std::string> Errors() const;
  // Every statement run so far, in order.
  std::vector<LatencySample> Samples() const;
  const std::string& Name() const { return release_.name; }

 private:
  void Loop();
  void Fail(long n, const std::string& sql, const std::string& message);

  std::string url_;
  AppRelease release_;
  std::atomic<long>& counter_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<long> iterations_{0};
  std::atomic<long> error_count_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> errors_;
  std::vector<LatencySample> samples_;
};

}  // namespace pgshift::testing
