// A plan: the stages of one expand-contract change, read from a TOML file. Reading and checking
// a plan is pure (text in, plan or every error out); nothing here touches a database.
//
//   id = "rename-users-email"
//   summary = "..."
//   replicas = ["postgresql://standby1/app"]  # optional: standbys for replica-lag throttling
//   max_replica_lag = 2                       # optional: seconds, or a duration such as "500ms"
//   [[stage]]
//   id = "add-column"
//   phase = "expand"                      # expand, backfill, switch, contract; never backwards
//   sql = "ALTER TABLE ..."               # or a list of statements
//   gate = "SELECT ..."                   # optional: must return true before the stage runs
//   rollback = "ALTER TABLE ..."          # or a list, [] for nothing to undo, or "irreversible"
//   [[stage]]
//   phase = "backfill"
//   backfill = { table = "users", set = "a = b", where = "a IS DISTINCT FROM b", key = ["id"] }
//   backfill = { table = "sessions", delete = true, where = "expires_at < now()" }  # batched
//   DELETE backfill = { table = "users", insert_into = "addresses (id, city)", select = "id, city"
//   }
//     # a batched INSERT INTO addresses (id, city) SELECT id, city FROM users ... ON CONFLICT
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rules/phase.h"
#include "runner/settings.h"

namespace pgshift::runner {

// A piece of SQL from the plan, with the line of the plan file it starts on.
struct PlanSql {
  std::string text;
  int line = 0;
};

struct BackfillSpec {
  std::string table;         // as written, possibly schema-qualified
  std::string set;           // the SET list: "email_address = email"
  bool delete_rows = false;  // `delete = true`: the rows matching `where` are deleted instead
  // `insert_into` and `select`: the rows are copied into another table instead, as
  // INSERT INTO insert_into SELECT select FROM table ... ON CONFLICT DO NOTHING.
  std::string insert_into;       // the target and its column list: "addresses (user_id, city)"
  std::string select;            // the select list over the table's row: "id, city"
  std::string where;             // optional: rows that still need the change
  std::vector<std::string> key;  // key columns; empty: the table's primary key
  long batch_size = 0;           // first batch size; 0: the runner's default
  int line = 0;
};

struct Stage {
  std::string id;
  rules::Phase phase = rules::Phase::kExpand;
  std::vector<PlanSql> sql;
  std::optional<BackfillSpec> backfill;
  std::optional<PlanSql> gate;
  std::vector<PlanSql> rollback;  // empty with irreversible false: nothing to undo
  bool irreversible = false;
  int line = 0;
};

// Standbys for replica-lag throttling named by the plan (runner/throttle.h). They override
// pgshift.toml's [runner] keys and --replica / --max-replica-lag override them. They are no part
// of the checksum: the same stages against other standbys are the same plan.
struct PlanStandbys {
  std::vector<std::string> replicas;      // connection strings, as written
  std::optional<Millis> max_replica_lag;  // none: not in the plan
  std::string replicas_at;                // "plan.toml:3:1", where `replicas` is written
};

struct Plan {
  std::string path;
  std::string id;
  std::string summary;
  std::vector<Stage> stages;
  PlanStandbys standbys;
  std::string checksum;  // of the stages' content: a changed plan is refused by the runner
};

struct PlanErrors {
  std::vector<std::string> messages;  // each "plan.toml:12:1: `stage[2].phase` ..."
  bool unreadable = false;            // the file could not be read at all
};

// Reads the TOML structure and checks everything that needs no SQL parser: keys, types, ids,
// phase order, rollbacks. SQL is checked by ReviewPlan (plan_review.h).
std::variant<Plan, PlanErrors> ParsePlan(std::string_view text, const std::string& path);
// A plan file larger than this is refused unread (a plan is a page of SQL, not a data dump).
inline constexpr std::size_t kMaxPlanBytes = std::size_t{16} << 20;
std::variant<Plan, PlanErrors> ReadPlanFile(const std::string& path);

const Stage* FindStage(const Plan& plan, std::string_view id);

// What a backfill does to each row it changes, in words: "updated", "deleted" or "inserted" (a
// copy). Names its count in progress events and in `pgshift status`.
std::string_view ChangedRowsVerb(const BackfillSpec& spec);

}  // namespace pgshift::runner
