// The ledger: schema `pgshift` in the target database, one row per plan and one per stage, with
// status, timings, checkpoint and backfill cursor. The runner writes it in the same transaction
// as the work it records, so it never records work that did not happen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/database.h"
#include "runner/plan.h"

namespace pgshift::runner {

struct StageRecord {
  std::string stage_id;
  int position = 0;
  std::string phase;
  std::string status = "pending";  // pending, running, done, failed, interrupted, rolled back
  std::string started_at, finished_at;  // ISO 8601, empty when not set
  double seconds = 0;                   // finished - started, or so far
  int attempts = 0;
  int steps_done = 0;  // statements committed so far
  long long rows_done = 0, rows_scanned = 0;
  std::optional<long long> rows_total;
  std::vector<std::string> cursor, max_key;  // backfill keyset position and end
  bool has_cursor = false, has_max_key = false;
  long long batch_size = 0;
  std::string fingerprint, fingerprint_detail, error;
};

struct PlanRecord {
  std::string plan_id, checksum, baseline, baseline_detail, created_at, runner;
  std::vector<StageRecord> stages;  // in plan order

  const StageRecord* Find(std::string_view id) const;
};

// The ledger's tables, schema-qualified: a session that locks them can hold up a runner.
std::vector<std::string> LedgerTables();

// Creates the schema and tables when missing (serialised between runners).
std::optional<DbError> EnsureLedger(Database& db);
bool LedgerExists(Database& db);
// The plan's records, or nullopt when it never ran here.
DbResult<std::optional<PlanRecord>> ReadPlanRecord(Database& db, const std::string& plan_id);

// Registers the plan (and any stage it lacks) with its checksum; `runner` says who runs it.
std::optional<DbError> RegisterPlan(Database& db, const Plan& plan, const std::string& runner);

// SQL that sets columns of one stage's row: "UPDATE pgshift.stages SET <assignments> WHERE ...".
std::string StageUpdate(Database& db, const std::string& plan_id, const std::string& stage_id,
                        const std::string& assignments);

// A text[] literal: ARRAY['a','b']::text[].
std::string TextArray(Database& db, const std::vector<std::string>& values);

}  // namespace pgshift::runner
