// What a lint run is told by configuration and flags: target server, transaction wrapping, rules.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "parser/limits.h"
#include "rules/finding.h"
#include "rules/history/release_facts.h"
#include "rules/phase.h"

namespace pgshift::rules {

// How the team's migration tool runs a file: as it is (psql, autocommit), inside one
// transaction per file (Flyway, diesel, Rails, sqitch by default), or one per statement.
enum class TransactionWrapping { kNone, kPerFile, kPerStatement };

struct LintSettings {
  int pg_version = 15;
  TransactionWrapping transactions = TransactionWrapping::kNone;
  std::set<std::string> enabled;   // rules turned on beyond the defaults
  std::set<std::string> disabled;  // rules turned off
  std::map<std::string, Severity> severity;  // per-rule overrides of the default severity
  // The phase the SQL belongs to, when known (a runner stage, a phase marker). In a contract
  // phase, contract changes (drops, renames) are the point, not a hazard.
  std::optional<Phase> phase;
  // The tool that runs the SQL sets lock_timeout before it (pgshift run does, on every
  // transaction): waits for locks are bounded even where the file sets none.
  bool tool_sets_lock_timeout = false;
  // Set when the file is a migration that a known release adds or changes (--release,
  // --changed-files); null otherwise, and rules that need it stay silent.
  std::shared_ptr<const ReleaseFacts> release;
  // What linting one file may hold in memory (`max_memory`); a file that needs more is refused.
  std::size_t max_memory = parser::kDefaultMaxMemory;

  // Contract changes (drops, renames) are the point of a contract phase, and of a release that
  // ships no application code: the version running before the deploy is the one after it.
  bool ContractExpected() const {
    return phase == Phase::kContract || (release != nullptr && release->code_changes.empty());
  }
  // Drops and renames of tables, views and columns are judged by the release rules, on the
  // evidence of the code at the release's base and head, rather than by the generic rules.
  bool ContractJudgedByRelease() const { return release != nullptr && release->JudgesByEvidence(); }
};

}  // namespace pgshift::rules
