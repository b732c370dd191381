// Lock waits: how long to back off before the next attempt, and who was in the way.
#pragma once

#include <string>
#include <vector>

#include "runner/database.h"
#include "runner/settings.h"

namespace pgshift::runner {

// The wait before retry `attempt` (0 for the first retry): the base delay doubled per attempt,
// capped at 30 s, scaled by a jitter factor in [0.5, 1.5) drawn from `unit_random` in [0, 1).
Millis Backoff(int attempt, Millis base, double unit_random);
// The same with a random draw.
Millis Backoff(int attempt, Millis base);

// Sessions other than ours that hold a lock on any of `tables`, each described with its pid,
// state, transaction age and query: "pid 4242 (idle in transaction for 12 s, holding
// AccessShareLock on users): SELECT ...". Empty when none holds one any more.
std::vector<std::string> DescribeBlockers(Database& db, const std::vector<std::string>& tables);

}  // namespace pgshift::runner
