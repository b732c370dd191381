// What `pgshift plan new` produces from a migration: stages in phase order, each with its SQL (or
// a backfill), gate, rollback and the comments that tell people what it does and what the
// application must deploy around it; and every statement that could not be made safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/phase.h"

namespace pgshift::planner {

struct Backfill {
  std::string table;  // as the plan's backfill.table takes it: unquoted parts, schema.table
  std::string set;    // the SET list
  std::string where;  // optional
  bool delete_rows = false;  // a batched DELETE of the rows matching `where` (`set` is empty)
  // A batched copy into another table (`set` is empty): "addresses (user_id, city)", "id, city".
  std::string insert_into;
  std::string select;
};

struct PlannedStage {
  std::string id;
  rules::Phase phase = rules::Phase::kExpand;
  std::vector<std::string> comment;  // lines for people, without "# "
  std::vector<std::string> sql;
  std::optional<Backfill> backfill;
  std::string gate;
  std::vector<std::string> rollback;  // empty and not irreversible: nothing to undo
  bool irreversible = false;
  std::size_t source = 0;  // index of the migration statement it comes from
};

// A statement of the migration that is not in the plan, and why.
struct NotMadeSafe {
  int line = 0, column = 0;  // in the migration file
  std::string statement;     // its SQL
  std::string reason;
};

// One statement of the migration, for messages.
struct SourceStatement {
  int line = 0, column = 0;
  std::string text;
};

struct MigrationPlan {
  std::string id;
  std::string summary;
  std::string source_path;
  std::vector<SourceStatement> sources;
  std::vector<PlannedStage> stages;  // in phase order
  std::vector<NotMadeSafe> not_made_safe;
  std::vector<std::string> dropped;  // statements left out on purpose (BEGIN, SET lock_timeout)
};

}  // namespace pgshift::planner
