// Ctrl-C and SIGTERM during a run: the first signal cancels the statement in flight on the server
// and asks the runner to stop at the next safe point (the stage is then recorded as interrupted);
// a second signal exits at once, leaving the ledger as the server last committed it.
#pragma once

#include <chrono>

#include "runner/database.h"

namespace pgshift::runner {

// Installs the SIGINT and SIGTERM handlers and the thread that sends the cancel request.
void InstallInterruptHandlers();

// 0 until a signal arrived; then SIGINT or SIGTERM.
int InterruptSignal();
inline bool Interrupted() { return InterruptSignal() != 0; }
// "SIGINT" or "SIGTERM".
const char* InterruptName(int signal);

// The session whose statement a signal cancels (null: none), one per calling thread: a signal
// cancels the statements of every thread's session. The caller keeps it alive until it sets
// another from the same thread. Once it returns, no cancel request to the previous session is being sent or will
// be; one already sent may still reach the server late.
void SetCancelTarget(Database* db);

// Sleeps for `duration`, or less when a signal arrives.
void SleepUnlessInterrupted(std::chrono::milliseconds duration);

// For tests: forget a signal.
void ResetInterrupt();

}  // namespace pgshift::runner
