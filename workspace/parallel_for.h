// Runs work(i) for every i in [0, n) on up to `threads` threads, this one among them, each taking
// the next index as it finishes one. For the lint's per-folder steps (planning, asking git), whose
// results go to slot i, so the caller can keep the order one thread would give.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace pgshift::workspace {

inline void ParallelFor(std::size_t n, unsigned threads,
                        const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  const auto run = [&] {
    for (std::size_t i = next++; i < n; i = next++) work(i);
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads && t < n; ++t) helpers.emplace_back(run);
  run();
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace pgshift::workspace
