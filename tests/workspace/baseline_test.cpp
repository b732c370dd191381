#include "workspace/baseline.h"

#include <gtest/gtest.h>

namespace pgshift::workspace {
namespace {

parser::Span At(const std::string& text, const std::string& needle) {
  const std::size_t begin = text.find(needle);
  return {begin, begin + needle.size()};
}

TEST(BaselineFingerprint, IgnoresPositionCommentsAndWhitespace) {
  const std::string a = "ALTER TABLE users DROP COLUMN legacy_flag;\n";
  const std::string b =
      "-- a new comment\nSELECT 1;\n\nALTER TABLE users\n  DROP COLUMN /* old */ legacy_flag;\n";
  EXPECT_EQ(Fingerprint(a, At(a, "ALTER")), Fingerprint(b, At(b, "ALTER")));
  // A finding inside the statement (a sub-command) fingerprints the whole statement.
  EXPECT_EQ(Fingerprint(b, At(b, "DROP COLUMN")), Fingerprint(a, At(a, "ALTER")));
}

TEST(BaselineFingerprint, ADifferentStatementIsADifferentFinding) {
  const std::string a = "ALTER TABLE users DROP COLUMN legacy_flag;";
  const std::string b = "ALTER TABLE users DROP COLUMN other_flag;";
  EXPECT_NE(Fingerprint(a, At(a, "ALTER")), Fingerprint(b, At(b, "ALTER")));
  EXPECT_EQ(Fingerprint(a, At(a, "ALTER")).size(), 16u);
}

TEST(BaselineFingerprint, OutsideStatementsTheLineCounts) {
  const std::string a = "-- pgshift-ignore drop-table\nSELECT 1;";
  const std::string b = "\n\n--   pgshift-ignore   drop-table\nSELECT 1;";
  EXPECT_EQ(Fingerprint(a, At(a, "--")), Fingerprint(b, At(b, "--")));
}

}  // namespace
}  // namespace pgshift::workspace
