#include "runner/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace pgshift::runner {
namespace {

std::atomic<int> g_signal{0};
int g_pipe[2] = {-1, -1};  // the handler wakes the cancelling thread through it
std::mutex g_target_mutex;
// One session per thread: a fleet rollout runs several targets at once, each on its own thread.
std::map<std::thread::id, Database*> g_targets;

// Only async-signal-safe calls here: the cancel request itself is sent by CancelLoop.
void OnSignal(int signal) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, signal)) _exit(128 + signal);
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = write(g_pipe[1], &byte, 1);
}

void CancelLoop() {
  char byte = 0;
  while (read(g_pipe[0], &byte, 1) == 1) {
    std::lock_guard<std::mutex> lock(g_target_mutex);
    for (const auto& [thread, db] : g_targets) db->Cancel();
  }
}

}  // namespace

void InstallInterruptHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pipe(g_pipe) != 0) return;
    std::thread(CancelLoop).detach();
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
  });
}

int InterruptSignal() { return g_signal.load(); }

const char* InterruptName(int signal) { return signal == SIGTERM ? "SIGTERM" : "SIGINT"; }

void SetCancelTarget(Database* db) {
  std::lock_guard<std::mutex> lock(g_target_mutex);
  if (db == nullptr)
    g_targets.erase(std::this_thread::get_id());
  else
    g_targets[std::this_thread::get_id()] = db;
}

void SleepUnlessInterrupted(std::chrono::milliseconds duration) {
  const auto end = std::chrono::steady_clock::now() + duration;
  while (!Interrupted()) {
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        left, std::chrono::milliseconds(20)));
  }
}

void ResetInterrupt() { g_signal.store(0); }

}  // namespace pgshift::runner
