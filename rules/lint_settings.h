// What a lint run is told by configuration and flags: target server, transaction wrapping, rules.
#pragma once

#include <cstdint>
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

struct SchemaSnapshot;

// How the team's migration tool runs a file: as it is (psql, autocommit), inside one
// transaction per file (Flyway, goose, diesel, Rails by default), one per statement, or sent as
// one query (golang-migrate, Prisma): PostgreSQL runs a query of several statements as one
// implicit transaction, which an explicit COMMIT ends and the next statement opens again, and a
// query of a single statement outside any.
enum class TransactionWrapping { kNone, kPerFile, kPerStatement, kOneQuery };

class Catalog;

struct LintSettings {
  int pg_version = 15;
  TransactionWrapping transactions = TransactionWrapping::kNone;
  // Set by --transactions or `transactions` in pgshift.toml: then it wins over the migration
  // tool's own wrapping.
  bool transactions_set = false;
  // The migration tool that runs the file, when known ("goose"), and how to have it run this
  // file outside a transaction (its marker and where it goes): the help of findings about
  // statements that cannot run in one says so.
  std::string migration_tool;
  std::string tool_opt_out;
  // The tool runs a script of concurrent index builds and drops only outside a transaction
  // (Flyway's detection of non-transactional statements).
  bool tool_runs_concurrent_scripts_outside = false;
  // For a down migration: the schema its up migration left, with what that up migration added
  // marked new (and the types its columns had before the up changed them). Every rule judges the
  // rollback against it, not against the history: its locks count on what existed before the
  // up, and undoing what the up added (dropping what it created, restoring a type it changed)
  // is quiet. Null when the up migration is not known: then the deployed schema is used.
  std::shared_ptr<const Catalog> rollback_of;
  // The file (or section) is a down migration, whether its up migration is known or not.
  bool rollback = false;
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
  // A schema snapshot of the database (--schema): the catalog the first file is judged against,
  // and the tables' row estimates; null without one (rules/snapshot/schema.h).
  std::shared_ptr<const SchemaSnapshot> schema;
  // With a snapshot, tables under this many rows are small: findings whose hazard grows with the
  // table are notes on them (`[lint] small_table_rows`; 0 turns it off).
  std::int64_t small_table_rows = 10000;

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
