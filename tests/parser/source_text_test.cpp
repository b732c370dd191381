#include "parser/source_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Positions come from a checkpoint every 4 KB: compare them with a plain count over text that
// crosses many checkpoints, with long and short lines and multi-byte characters.
TEST(SourceText, PositionsAndLinesAcrossCheckpoints) {
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += i % 7 == 0 ? std::string(900 + i, 'x') : "SELECT 'é✓' + " + std::to_string(i);
    text += i % 11 == 0 ? "\r\n" : "\n";
  }
  const SourceText source("f.sql", text);
  int line = 1, column = 1;
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i % 97 == 0 || i == text.size()) {
      const LineColumn at = source.PositionOf(i);
      ASSERT_EQ(at.line, line) << i;
      ASSERT_EQ(at.column, column) << i;
    }
    if (i == text.size()) break;
    if (text[i] == '\n') {
      ++line, column = 1;
      starts.push_back(i + 1);
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  ASSERT_EQ(source.LineCount(), line);
  for (int n = 1; n < line; n += 13) {
    std::size_t end = text.find('\n', starts[n - 1]);
    if (text[end - 1] == '\r') --end;
    ASSERT_EQ(source.Line(n), std::string_view(text).substr(starts[n - 1], end - starts[n - 1]))
        << n;
  }
}

TEST(SourceText, PositionsAreTheSameInAnyOrderOfAsking) {
  // Searches start from the last position asked for when that is nearer: asking backwards, at
  // random and twice must give what asking in file order gives.
  std::string text;
  for (int i = 0; i < 2000; ++i) text += i % 5 == 0 ? std::string(3000, 'y') + "\n" : "é✓ ab\n";
  const SourceText in_order("f.sql", text);
  std::vector<LineColumn> expected;
  for (std::size_t i = 0; i <= text.size(); i += 61) expected.push_back(in_order.PositionOf(i));
  const SourceText shuffled("f.sql", text);
  std::size_t k = 0;
  for (std::size_t step = 0; step < expected.size() * 2; ++step) {
    k = (k * 7919 + 104729) % expected.size();  // a walk over every index in scrambled order
    const LineColumn at = shuffled.PositionOf(k * 61);
    ASSERT_EQ(at.line, expected[k].line) << k * 61;
    ASSERT_EQ(at.column, expected[k].column) << k * 61;
  }
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

// ASCII is read eight bytes at a time: a bad byte is found at its offset wherever it falls.
TEST(ValidateText, FindsABadByteAtAnyOffset) {
  const std::string ascii(41, 'a');
  for (std::size_t at = 0; at < ascii.size(); ++at) {
    for (const std::string& bad :
         {std::string(1, '\0'), std::string("\xff"), std::string("\xe2\x9c")}) {
      const std::string text = ascii.substr(0, at) + bad + ascii.substr(at + 1);
      const auto error = ValidateText(text);
      ASSERT_TRUE(error.has_value()) << at;
      EXPECT_EQ(error->offset, at);
    }
    const std::string good = ascii.substr(0, at) + "\xe2\x9c\x93" + ascii.substr(at);
    EXPECT_FALSE(ValidateText(good).has_value()) << at;
    EXPECT_FALSE(ValidateText(ascii.substr(0, at)).has_value()) << at;
  }
}

TEST(ByteOffsetOfCodePoint, CountsCodePoints) {
  EXPECT_EQ(ByteOffsetOfCodePoint("aé b", 2), 3u);
  EXPECT_EQ(ByteOffsetOfCodePoint("ab", 9), 2u);
}

}  // namespace
}  // namespace pgshift::parser
