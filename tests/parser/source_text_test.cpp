#include "parser/source_text.h"

#include <gtest/gtest.h>

namespace pgshift::parser {
namespace {

TEST(SourceText, PositionsAreOneBasedLinesAndCodePointColumns) {
  const SourceText source("f.sql", "SELECT 1;\nSELECT 'é', 2;\n");
  EXPECT_EQ(source.PositionOf(0).line, 1);
  EXPECT_EQ(source.PositionOf(0).column, 1);
  EXPECT_EQ(source.PositionOf(10).line, 2);
  EXPECT_EQ(source.PositionOf(10).column, 1);
  // "SELECT 'é'" then ", 2": the comma is the 11th code point of line 2 but the 12th byte.
  const std::size_t comma = source.text().find(',');
  EXPECT_EQ(source.PositionOf(comma).column, 11);
  EXPECT_EQ(source.Line(2), "SELECT 'é', 2;");
}

TEST(SourceText, OffsetPastTheEndClampsToTheLastPosition) {
  const SourceText source("f.sql", "ab\ncd");
  EXPECT_EQ(source.PositionOf(100).line, 2);
  EXPECT_EQ(source.PositionOf(100).column, 3);
}

TEST(ValidateText, AcceptsUtf8) {
  EXPECT_FALSE(ValidateText("SELECT 'ünïcødé ✓ 𝄞';").has_value());
  EXPECT_FALSE(ValidateText("").has_value());
}

TEST(ValidateText, RejectsNulWithItsOffset) {
  const std::string text("SELECT 1;\nSEL\0ECT", 17);
  const auto error = ValidateText(text);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->offset, 13u);
  EXPECT_NE(error->message.find("NUL"), std::string::npos);
}

TEST(ValidateText, RejectsInvalidUtf8) {
  for (const std::string bad : {"SELECT '\xff';", "SELECT '\xc3';", "SELECT '\xc0\xaf';",
                                "SELECT '\xed\xa0\x80';"}) {
    const auto error = ValidateText(bad);
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->offset, 8u);
    EXPECT_NE(error->message.find("invalid UTF-8"), std::string::npos);
  }
}

TEST(ByteOffsetOfCodePoint, CountsCodePoints) {
  EXPECT_EQ(ByteOffsetOfCodePoint("aé b", 2), 3u);
  EXPECT_EQ(ByteOffsetOfCodePoint("ab", 9), 2u);
}

}  // namespace
}  // namespace pgshift::parser
