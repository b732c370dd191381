// Turns a migration written as one shot into a phased plan (planner/migration_plan.h): each
// hazardous statement becomes its safe sequence of stages, safe statements pass through in
// their phase, and what cannot be made safe is listed, never passed through.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "planner/migration_plan.h"

namespace pgshift::planner {

// `sql` is the migration's text, `path` its file name (for the plan's id and messages).
// `schema`: SQL texts that describe the database before the migration (a schema dump, a seed),
// replayed first: a column rename needs the column's type and constraints.
MigrationPlan PlanMigration(std::string_view sql, const std::string& path,
                            const std::vector<std::string>& schema = {});

// A plan id from a file name: "migrations/0005_Add users.sql" → "0005-add-users"; from its
// folder for up.sql, down.sql or migration.sql ("2024-04-23_add_index/up.sql").
std::string PlanIdFor(const std::string& path);

// PostgreSQL's own choice of name for an index or constraint: table_col1_col2_suffix, cut to 63
// bytes ("users_email_key", "orders_customer_id_idx").
std::string ChooseName(const std::string& table, const std::vector<std::string>& columns,
                       const std::string& suffix);

}  // namespace pgshift::planner
