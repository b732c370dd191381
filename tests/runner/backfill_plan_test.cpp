// The plans of a backfill batch on a real server: its key query an index scan in key order and
// its change a key range on the index, whether or not the table has statistics. A freshly loaded
// table without them once got a bitmap scan and a sort of every remaining row per batch.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runner/backfill.h"
#include "tests/support/postgres_server.h"

namespace pgshift::testing {
namespace {

void Collect(const nlohmann::json& node, std::vector<std::string>& types) {
  types.push_back(node.value("Node Type", "") + " " + node.value("Relation Name", ""));
  if (node.contains("Plans"))
    for (const auto& child : node["Plans"]) Collect(child, types);
}

// The node types of one batch's statements, from the middle of the table: its key query and its
// change.
runner::BatchStatements Batch(runner::Database& db) {
  runner::BackfillSpec spec;
  spec.table = "t";
  spec.set = "v = id";
  const std::vector<runner::KeyColumn> key = {{"id", "bigint"}};
  const std::vector<std::string> cursor = {"100000"}, max_key = {"102000"};
  return runner::BackfillBatchStatements(db, spec, key, &cursor, max_key, 2000);
}

std::vector<std::string> PlanOf(runner::Database& db, const std::string& sql) {
  const auto plan = nlohmann::json::parse(Scalar(db, "EXPLAIN (FORMAT JSON) " + sql));
  std::vector<std::string> types;
  Collect(plan.at(0).at("Plan"), types);
  return types;
}

std::string Joined(const std::vector<std::string>& types) {
  std::string all;
  for (const auto& t : types) all += t + "; ";
  return all;
}

// The key query reads `limit` entries of the index in order: no sort, no bitmap, no scan of the
// table.
void ExpectIndexScanInKeyOrder(const std::vector<std::string>& types) {
  bool index = false;
  for (const auto& t : types) {
    EXPECT_EQ(t.find("Sort"), std::string::npos) << Joined(types);
    EXPECT_EQ(t.find("Bitmap"), std::string::npos) << Joined(types);
    EXPECT_EQ(t.find("Seq Scan"), std::string::npos) << Joined(types);
    index = index || t == "Index Scan t" || t == "Index Only Scan t";
  }
  EXPECT_TRUE(index) << Joined(types);
}

// The change reaches the batch's rows through the key's index, never by reading the table.
void ExpectKeyRange(const std::vector<std::string>& types) {
  bool index = false;
  for (const auto& t : types) {
    EXPECT_EQ(t.find("Seq Scan"), std::string::npos) << Joined(types);
    EXPECT_EQ(t.find("Sort"), std::string::npos) << Joined(types);
    index = index || t.rfind("Index Scan", 0) == 0 || t.rfind("Bitmap Index Scan", 0) == 0;
  }
  EXPECT_TRUE(index) << Joined(types);
}

void ExpectBatchPlans(runner::Database& db) {
  const runner::BatchStatements batch = Batch(db);
  ExpectIndexScanInKeyOrder(PlanOf(db, batch.upper_key));
  ExpectKeyRange(PlanOf(db, batch.change));
}

TEST(BackfillPlan, BatchUsesTheKeyIndexWithAndWithoutStatistics) {
  auto db = ConnectTo(FreshDatabase());
  ASSERT_TRUE(db);
  // Loaded first, keyed after (as pgbench -i does): the row count is known, the columns'
  // statistics are not.
  Sql(*db,
      "CREATE TABLE t (id bigint NOT NULL, v bigint) WITH (autovacuum_enabled = off);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 200000) i;"
      "ALTER TABLE t ADD PRIMARY KEY (id)");
  ASSERT_EQ(Scalar(*db, "SELECT count(*) FROM pg_stats WHERE tablename = 't'"), "0");
  ExpectBatchPlans(*db);
  // Created with its key and never counted: not even the row count is known.
  Sql(*db,
      "DROP TABLE t; CREATE TABLE t (id bigint PRIMARY KEY, v bigint) "
      "WITH (autovacuum_enabled = off);"
      "INSERT INTO t (id) SELECT i FROM generate_series(1, 200000) i");
  ExpectBatchPlans(*db);
  Sql(*db, "ANALYZE t");
  ASSERT_NE(Scalar(*db, "SELECT count(*) FROM pg_stats WHERE tablename = 't'"), "0");
  ExpectBatchPlans(*db);
}

}  // namespace
}  // namespace pgshift::testing
