// The plan of a backfill batch on a real server: an index scan in key order, whether or not the
// table has statistics. A freshly loaded table without them once got a bitmap scan and a sort of
// every remaining row per batch.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runner/backfill.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

// The plan nodes under the CTE that takes the batch's keys.
const nlohmann::json* KeyQuery(const nlohmann::json& node) {
  if (node.value("Subplan Name", "") == "CTE batch") return &node;
  if (node.contains("Plans")) {
    for (const auto& child : node["Plans"])
      if (const auto* found = KeyQuery(child)) return found;
  }
  return nullptr;
}

void Collect(const nlohmann::json& node, std::vector<std::string>& types) {
  types.push_back(node.value("Node Type", "") + " " + node.value("Relation Name", ""));
  if (node.contains("Plans"))
    for (const auto& child : node["Plans"]) Collect(child, types);
}

// The node types of the batch's key query, for one batch from the middle of the table.
std::vector<std::string> KeyQueryPlan(runner::Database& db) {
  runner::BackfillSpec spec;
  spec.table = "t";
  spec.set = "v = id";
  const std::vector<runner::KeyColumn> key = {{"id", "bigint"}};
  const std::vector<std::string> cursor = {"100000"}, max_key = {"200000"};
  const std::string sql =
      runner::BackfillBatchStatement(db, "p", "s", spec, key, &cursor, max_key, 2000);
  const auto plan = nlohmann::json::parse(Scalar(db, "EXPLAIN (FORMAT JSON) " + sql));
  const nlohmann::json* batch = KeyQuery(plan.at(0).at("Plan"));
  std::vector<std::string> types;
  if (batch == nullptr) {
    ADD_FAILURE() << "no CTE batch in " << plan.dump(1);
    return types;
  }
  Collect(*batch, types);
  return types;
}

void ExpectIndexScanInKeyOrder(const std::vector<std::string>& types) {
  std::string all;
  for (const auto& t : types) all += t + "; ";
  bool index = false;
  for (const auto& t : types) {
    EXPECT_EQ(t.find("Sort"), std::string::npos) << all;
    EXPECT_EQ(t.find("Bitmap"), std::string::npos) << all;
    EXPECT_EQ(t.find("Seq Scan"), std::string::npos) << all;
    index = index || t == "Index Scan t" || t == "Index Only Scan t";
  }
  EXPECT_TRUE(index) << all;
}

TEST(BackfillPlan, KeyQueryIsAnIndexScanWithAndWithoutStatistics) {
  auto db = ConnectTo(FreshDatabase());
  ASSERT_TRUE(db);
  // Loaded first, keyed after (as pgbench -i does): the row count is known, the columns'
  // statistics are not.
  Sql(*db,
      "CREATE TABLE t (id bigint NOT NULL, v bigint) WITH (autovacuum_enabled = off);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 200000) i;"
      "ALTER TABLE t ADD PRIMARY KEY (id);"
      "CREATE SCHEMA pgshift; CREATE TABLE pgshift.stages (plan_id text, stage_id text, "
      "cursor text[], rows_done bigint, rows_scanned bigint, batch_size bigint)");
  ASSERT_EQ(Scalar(*db, "SELECT count(*) FROM pg_stats WHERE tablename = 't'"), "0");
  ExpectIndexScanInKeyOrder(KeyQueryPlan(*db));
  // Created with its key and never counted: not even the row count is known.
  Sql(*db,
      "DROP TABLE t; CREATE TABLE t (id bigint PRIMARY KEY, v bigint) "
      "WITH (autovacuum_enabled = off);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 200000) i");
  ExpectIndexScanInKeyOrder(KeyQueryPlan(*db));
  Sql(*db, "ANALYZE t");
  ASSERT_NE(Scalar(*db, "SELECT count(*) FROM pg_stats WHERE tablename = 't'"), "0");
  ExpectIndexScanInKeyOrder(KeyQueryPlan(*db));
}

}  // namespace
}  // namespace pgshift::testing
