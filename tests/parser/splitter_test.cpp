#include "parser/splitter.h"

#include <gtest/gtest.h>

#include <string>

namespace pgshift::parser {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  std::vector<std::string> out;
  for (const RawStatement& s : SplitStatements(text).statements) {
    out.emplace_back(text.substr(s.span.begin, s.span.size()));
  }
  return out;
}

TEST(Splitter, EmptyAndCommentOnlyFilesHaveNoStatements) {
  EXPECT_TRUE(Texts("").empty());
  EXPECT_TRUE(Texts("  \n\t\n").empty());
  const SplitResult comments = SplitStatements("-- one\n/* two */\n-- three");
  EXPECT_TRUE(comments.statements.empty());
  EXPECT_EQ(comments.comments.size(), 3u);
  EXPECT_EQ(comments.comments[1].body, " two ");
}

TEST(Splitter, SpansStartAtTheFirstTokenAndEndBeforeTheSemicolon) {
  const std::string text = "-- lead\n  /* c */ SELECT 1 ;\nSELECT 2";
  const SplitResult split = SplitStatements(text);
  ASSERT_EQ(split.statements.size(), 2u);
  EXPECT_EQ(split.statements[0].span.begin, text.find("SELECT 1"));
  EXPECT_EQ(text.substr(split.statements[0].span.begin, split.statements[0].span.size()), "SELECT 1");
  EXPECT_TRUE(split.statements[0].has_semicolon);
  EXPECT_FALSE(split.statements[1].has_semicolon);  // no trailing semicolon
  EXPECT_EQ(Texts(text)[1], "SELECT 2");
}

TEST(Splitter, SemicolonsInsideStringsIdentifiersAndCommentsDoNotSplit) {
  EXPECT_EQ(Texts("SELECT 'a;b', \"c;d\" /* ; */ -- ;\n, 'it''s;';SELECT 2;").size(), 2u);
  EXPECT_EQ(Texts("SELECT E'\\';';SELECT 2;").size(), 2u);  // backslash escape in E''
  EXPECT_EQ(Texts("SELECT 'a\\';SELECT 2;").size(), 2u);    // no escape in standard strings
}

TEST(Splitter, DollarQuotedBodiesKeepTheirSemicolons) {
  const auto texts = Texts(
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2; $$ LANGUAGE sql;\n"
      "DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$'; END $body$;\n"
      "SELECT $1, a$b$c FROM t;");
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_NE(texts[1].find("END $body$"), std::string::npos);
  EXPECT_EQ(texts[2], "SELECT $1, a$b$c FROM t");
}

TEST(Splitter, NestedBlockCommentsEndAtTheirOwnClose) {
  const SplitResult split = SplitStatements("/* a /* b */ still ; comment */ SELECT 1; SELECT 2;");
  ASSERT_EQ(split.statements.size(), 2u);
  ASSERT_EQ(split.comments.size(), 1u);
  EXPECT_EQ(split.comments[0].body, " a /* b */ still ; comment ");
}

TEST(Splitter, BeginAtomicBodiesStayWhole) {
  const auto texts = Texts(
      "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\n"
      "BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\nSELECT 3;");
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1], "SELECT 3");
  // BEGIN as a transaction is not a body.
  EXPECT_EQ(Texts("BEGIN; SELECT 1; END;").size(), 3u);
}

TEST(Splitter, ParenthesesHoldSemicolonsAndRememberThem) {
  const SplitResult split = SplitStatements("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);");
  ASSERT_EQ(split.statements.size(), 1u);
  EXPECT_EQ(split.statements[0].inner_semicolons.size(), 1u);
}

TEST(Splitter, PsqlMetaCommandsAreSkippedToTheEndOfTheLine) {
  const std::string text = "\\set ON_ERROR_STOP on\nSELECT 1;\n  \\i other.sql\nSELECT 2;";
  const SplitResult split = SplitStatements(text);
  ASSERT_EQ(split.statements.size(), 2u);
  ASSERT_EQ(split.meta_commands.size(), 2u);
  EXPECT_EQ(text.substr(split.meta_commands[1].begin, split.meta_commands[1].size()), "\\i other.sql");
}

TEST(Splitter, UnterminatedQuotesRunToTheEnd) {
  EXPECT_EQ(Texts("SELECT 1; SELECT 'open;\nSELECT 2;").size(), 2u);
  EXPECT_EQ(Texts("SELECT $$ open; ").size(), 1u);
  EXPECT_EQ(Texts("/* open ; ").size(), 0u);
}

std::size_t Chain(std::string_view text) {
  const SplitResult split = SplitStatements(text);
  return split.statements.empty() ? 0 : split.statements[0].operator_chain;
}

TEST(Splitter, MeasuresTheLongestRunOfOperators) {
  EXPECT_EQ(Chain("SELECT a"), 0u);
  EXPECT_EQ(Chain("SELECT a || b || c"), 4u);  // counted high: one per operator character
  EXPECT_EQ(Chain("SELECT a::int::text"), 4u);
  EXPECT_EQ(Chain("SELECT a IS NULL, b LIKE c"), 1u);               // a comma starts a new run
  EXPECT_EQ(Chain("SELECT 1 WHERE a = 1 AND b = 2 OR c = 3"), 1u);  // AND and OR flatten
  EXPECT_EQ(Chain("SELECT (a + b) + (c + d + e)"), 2u);             // parentheses nest on their own
  EXPECT_EQ(Chain("SELECT a, b UNION SELECT c, d UNION SELECT e, f"), 2u);
  EXPECT_EQ(Chain("SELECT '+ + +', \"-\" /* + + */ -- + +\n"), 0u);
  const std::string long_chain = "SELECT 1" + std::string(5000, '+') + "1; SELECT 2";
  const SplitResult split = SplitStatements(long_chain);
  ASSERT_EQ(split.statements.size(), 2u);
  EXPECT_EQ(split.statements[0].operator_chain, 5000u);
  EXPECT_EQ(split.statements[1].operator_chain, 0u);
}

}  // namespace
}  // namespace pgshift::parser
