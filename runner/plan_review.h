// What `pgshift plan` shows and what the runner executes: every statement of every stage split
// and parsed, with the lock it takes and its lint verdict in the stage's phase. Errors here (SQL
// that does not parse, a lint error for the phase, BEGIN/COMMIT in a stage) refuse the plan
// before anything runs. Pure: no database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/finding.h"
#include "rules/lint_settings.h"
#include "runner/catalog_objects.h"
#include "runner/plan.h"

namespace pgshift::runner {

struct StatementReview {
  std::string sql;                       // one statement, without its semicolon
  int line = 0;                          // in the plan file
  std::vector<std::string> locks;        // "takes ACCESS EXCLUSIVE on users, blocking ...; ..."
  std::vector<rules::Finding> findings;  // lint, in the stage's phase (only for `sql`)
  bool outside_transaction = false;      // CONCURRENTLY, VACUUM: cannot run in a transaction block
  // The index of a CREATE or DROP INDEX CONCURRENTLY, schema-qualified if written so, in the
  // written form of runner/database.h (NameText); empty for other statements.
  std::string concurrent_index, dropped_index;
};

struct StageReview {
  std::vector<StatementReview> sql;
  std::vector<StatementReview> rollback;
};

struct PlanReview {
  std::vector<StageReview> stages;  // parallel to plan.stages
  // Every object the plan names, in the written form of runner/database.h: the fingerprint's
  // scope.
  CatalogObjects objects;
  std::vector<std::string> errors;  // "plan.toml:9: stage `x` sql: ..."
};

PlanReview ReviewPlan(const Plan& plan, const rules::LintSettings& settings);

}  // namespace pgshift::runner
