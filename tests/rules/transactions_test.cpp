// Which statements PostgreSQL refuses inside a transaction block, by their parse tree: the runner
// runs them on their own, and `pgshift trace` runs them only when it commits.
#include "rules/analysis/transactions.h"

#include <gtest/gtest.h>

#include "parser/parsed_file.h"

namespace pgshift::rules {
namespace {

std::string Refused(const std::string& sql) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  EXPECT_EQ(file.statements.size(), 1u);
  EXPECT_NE(file.statements[0].node, nullptr) << sql;
  return std::string(RefusedInTransactionBlock(file.statements[0].node));
}

TEST(RefusedInTransactionBlock, NamesTheFormsPostgresRefuses) {
  EXPECT_EQ(Refused("CREATE INDEX CONCURRENTLY i ON t (a)"), "CREATE INDEX CONCURRENTLY");
  EXPECT_EQ(Refused("DROP INDEX CONCURRENTLY i"), "DROP INDEX CONCURRENTLY");
  EXPECT_EQ(Refused("REINDEX INDEX CONCURRENTLY i"), "REINDEX CONCURRENTLY");
  EXPECT_EQ(Refused("REINDEX SCHEMA app"), "REINDEX SCHEMA / DATABASE / SYSTEM");
  EXPECT_EQ(Refused("ALTER TABLE p DETACH PARTITION c CONCURRENTLY"),
            "DETACH PARTITION CONCURRENTLY");
  EXPECT_EQ(Refused("VACUUM t"), "VACUUM");
  EXPECT_EQ(Refused("CLUSTER"), "CLUSTER of every table");
  EXPECT_EQ(Refused("CREATE DATABASE d"), "CREATE DATABASE");
  EXPECT_EQ(Refused("ALTER SYSTEM SET work_mem = '8MB'"), "ALTER SYSTEM");
}

TEST(RefusedInTransactionBlock, LeavesTheRestAlone) {
  for (const char* sql : {"CREATE INDEX i ON t (a)", "DROP INDEX i", "REINDEX TABLE t", "ANALYZE t",
                          "CLUSTER t USING i", "ALTER TABLE p DETACH PARTITION c", "SELECT 1"}) {
    EXPECT_EQ(Refused(sql), "") << sql;
  }
}

// A file sent as one query (golang-migrate, Prisma, a tool's transaction turned off): PostgreSQL
// runs a query of several statements as one implicit transaction, and one alone outside any.
TEST(AnalyzeTransactions, AFileSentAsOneQuery) {
  const auto states = [](const std::string& sql) {
    std::vector<bool> in_block;
    for (const TransactionState& state :
         AnalyzeTransactions(parser::ParseSql(sql), TransactionWrapping::kOneQuery)) {
      in_block.push_back(state.in_block);
    }
    return in_block;
  };
  EXPECT_EQ(states("CREATE INDEX CONCURRENTLY i ON t (a);"), std::vector<bool>{false});
  EXPECT_EQ(states("CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);"),
            (std::vector<bool>{true, true}));
  // After a COMMIT the next statement opens the implicit transaction again.
  EXPECT_EQ(states("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);"),
            (std::vector<bool>{true, true, true, true}));
  // Per statement or as written, a statement alone is outside any block.
  EXPECT_EQ(AnalyzeTransactions(parser::ParseSql("CREATE TABLE t (a int);\nSELECT 1;"),
                                TransactionWrapping::kNone)[1]
                .in_block,
            false);
}

}  // namespace
}  // namespace pgshift::rules
