#include "rules/analysis/timeouts.h"

#include <gtest/gtest.h>

#include "parser/parsed_file.h"

namespace pgshift::rules {
namespace {

TEST(Timeouts, ParsesUnitsAsPostgresDoes) {
  EXPECT_EQ(ParseMilliseconds("5000"), 5000);
  EXPECT_EQ(ParseMilliseconds("0"), 0);
  EXPECT_EQ(ParseMilliseconds("2s"), 2000);
  EXPECT_EQ(ParseMilliseconds(" 500 ms"), 500);
  EXPECT_EQ(ParseMilliseconds("1min"), 60000);
  EXPECT_EQ(ParseMilliseconds("1.5h"), 5400000);
  EXPECT_EQ(ParseMilliseconds("1d"), 86400000);
  EXPECT_EQ(ParseMilliseconds("2 weeks"), std::nullopt);
  EXPECT_EQ(ParseMilliseconds("soon"), std::nullopt);
}

std::vector<TimeoutsInEffect> Analyze(const std::string& sql,
                                      TransactionWrapping wrapping = TransactionWrapping::kNone) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  return AnalyzeTimeouts(file, AnalyzeTransactions(file, wrapping));
}

TEST(Timeouts, SetLastsTheSessionAndResetEndsIt) {
  const auto t = Analyze(
      "SELECT 1;\nSET lock_timeout = '2s';\nSELECT 2;\nSET lock_timeout TO DEFAULT;\nSELECT 3;\n"
      "SET statement_timeout = 0;\nRESET statement_timeout;\nSELECT 4;");
  EXPECT_FALSE(t[0].lock_timeout);
  EXPECT_EQ(t[2].lock_timeout->milliseconds, 2000);
  EXPECT_EQ(t[2].lock_timeout->statement, 1u);
  EXPECT_FALSE(t[4].lock_timeout);
  EXPECT_EQ(t[6].statement_timeout->milliseconds, 0);
  EXPECT_FALSE(t[7].statement_timeout);
}

TEST(Timeouts, SetLocalLastsItsTransactionAndNothingOutsideOne) {
  const auto t = Analyze(
      "SET LOCAL lock_timeout = '1s';\nSELECT 1;\nBEGIN;\nSET LOCAL lock_timeout = '3s';\n"
      "SELECT 2;\nCOMMIT;\nSELECT 3;");
  EXPECT_FALSE(t[1].lock_timeout);
  EXPECT_EQ(t[4].lock_timeout->milliseconds, 3000);
  EXPECT_FALSE(t[6].lock_timeout);
  // A per-file transaction holds SET LOCAL to the end of the file.
  const auto wrapped =
      Analyze("SET LOCAL lock_timeout = '1s';\nSELECT 1;", TransactionWrapping::kPerFile);
  EXPECT_EQ(wrapped[1].lock_timeout->milliseconds, 1000);
}

TEST(Timeouts, SetConfigCounts) {
  const auto t = Analyze("SELECT set_config('lock_timeout', '4s', false);\nSELECT 1;");
  EXPECT_EQ(t[1].lock_timeout->milliseconds, 4000);
  EXPECT_EQ(TimeoutsSetBy(parser::ParseSql("SET search_path = x;").statements[0].node).size(), 0u);
}

}  // namespace
}  // namespace pgshift::rules
