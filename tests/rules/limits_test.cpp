// Hostile sizes and shapes: a file over max_memory is refused with a position, a statement over
// its share or nested beyond the parser's reach is reported and skipped, and the rest of the
// file is still checked.
#include <gtest/gtest.h>

#include <string>

#include "parser/parsed_file.h"
#include "parser/source_text.h"
#include "rules/engine.h"

namespace pgshift::rules {
namespace {

FileReport Lint(const std::string& sql, std::size_t max_memory = parser::kDefaultMaxMemory) {
  LintSettings settings;
  settings.max_memory = max_memory;
  return LintSource(parser::SourceText("big.sql", sql), settings);
}

TEST(Limits, AFileOverMaxMemoryIsRefusedWhereItStopped) {
  std::string sql;
  for (int i = 0; i < 20000; ++i) sql += "ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " text;\n";
  const FileReport report = Lint(sql, std::size_t{4} << 20);
  ASSERT_TRUE(report.unreadable.has_value());
  EXPECT_EQ(report.unreadable->rfind("big.sql:", 0), 0u) << *report.unreadable;
  EXPECT_NE(report.unreadable->find("need more than the 4.0 MB"), std::string::npos)
      << *report.unreadable;
  EXPECT_NE(report.unreadable->find("max_memory"), std::string::npos);
  EXPECT_TRUE(report.findings.empty());
  // The same file within the default limit is linted whole.
  const FileReport whole = Lint(sql);
  EXPECT_FALSE(whole.unreadable.has_value());
  EXPECT_EQ(whole.statements, 20000u);
}

TEST(Limits, AStatementOverItsShareIsReportedAndSkipped) {
  std::string values;
  for (int i = 0; i < 20000; ++i) values += (i ? ", (" : "(") + std::to_string(i) + ")";
  const std::string sql =
      "SET lock_timeout = '2s'; INSERT INTO t VALUES " + values + ";\nDROP TABLE t;\n";
  const FileReport report = Lint(sql, std::size_t{64} << 20);  // 64 KB per statement
  ASSERT_FALSE(report.unreadable.has_value());
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.findings[0].rule, "syntax-error");
  EXPECT_NE(report.findings[0].message.find("statement not analysed"), std::string::npos);
  EXPECT_NE(report.findings[0].help.find("max_memory"), std::string::npos);
  EXPECT_EQ(report.findings[1].rule, "drop-table");
}

TEST(Limits, NestingBeyondTheLimitIsReportedAndTheRestChecked) {
  std::string chain = "SET lock_timeout = '2s'; SELECT 1";
  for (int i = 0; i < 25000; ++i) chain += "+1";
  const FileReport report = Lint(chain + ";\nDROP TABLE t;\n");
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.findings[0].rule, "syntax-error");
  EXPECT_NE(report.findings[0].message.find("nests too deeply"), std::string::npos)
      << report.findings[0].message;
  EXPECT_EQ(report.findings[0].start.line, 1);
  EXPECT_EQ(report.findings[1].rule, "drop-table");
}

// Deep but within the limit: parsed, walked by every rule, and found clean, on the large stack.
TEST(Limits, DeepButAllowedStatementsAreAnalysed) {
  std::string chain = "UPDATE t SET a = 1";
  for (int i = 0; i < 3000; ++i) chain += "+1";
  const FileReport report = Lint(chain + " WHERE id = 1;");
  EXPECT_FALSE(report.unreadable.has_value());
  EXPECT_TRUE(report.findings.empty()) << report.findings[0].message;
}

}  // namespace
}  // namespace pgshift::rules
