// Runs every fixture under tests/fixtures/rules/ through the whole engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/rules/fixture.h"

namespace pgshift::testing {
namespace {

std::vector<std::string> FixtureFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/rules")) {
    if (entry.path().extension() == ".sql") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, FindingsMatchExpectations) {
  const FixtureOutcome outcome = CheckFixture(GetParam(), Read(GetParam()));
  for (const std::string& problem : outcome.problems) ADD_FAILURE() << problem;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RuleFixture, ::testing::ValuesIn(FixtureFiles()),
                         [](const auto& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// The harness itself must be able to fail: a wrong expectation and an unexpected finding.
TEST(FixtureHarness, ReportsUnmetAndUnexpected) {
  const std::string text =
      "-- expect: [drop-table] \"Dropping\"\n"
      "SELECT 1;\n"
      "CREATE INDEX i ON t (a);\n";
  const FixtureOutcome outcome = CheckFixture("harness.sql", text);
  ASSERT_EQ(outcome.problems.size(), 2u);
  EXPECT_NE(outcome.problems[0].find("not reported"), std::string::npos);
  EXPECT_NE(outcome.problems[1].find("unexpected [non-concurrent-index-creation]"), std::string::npos);
}

TEST(FixtureHarness, MalformedExpectationIsAnError) {
  const FixtureOutcome outcome = CheckFixture("harness.sql", "-- expect: drop-table\nSELECT 1;\n");
  ASSERT_FALSE(outcome.problems.empty());
  EXPECT_NE(outcome.problems[0].find("malformed"), std::string::npos);
}

}  // namespace
}  // namespace pgshift::testing
