// Statements inside DO blocks and function bodies become nested statements at their place in
// the file.
#include "parser/embedded_sql.h"

#include <gtest/gtest.h>

#include "parser/ast.h"

namespace pgshift::parser {
namespace {

// The file bytes a statement's span covers.
std::string_view SpanText(std::string_view file, const Statement& s) {
  return file.substr(s.span.begin, s.span.size());
}

std::vector<const Statement*> Nested(const ParsedFile& file) {
  std::vector<const Statement*> out;
  for (const Statement& s : file.statements) {
    if (s.nested()) out.push_back(&s);
  }
  return out;
}

TEST(EmbeddedSql, DoBlockStatementsFollowTheBlockAtTheirOwnPlace) {
  const std::string text =
      "SELECT 1;\n"
      "DO $$\n"
      "DECLARE n int;\n"
      "BEGIN\n"
      "  ALTER TABLE users   /* why */ DROP COLUMN a;\n"
      "  IF n > 0 THEN UPDATE users SET b = 1; ELSE DELETE FROM users; END IF;\n"
      "  EXECUTE 'DROP TABLE built_as_a_string';\n"
      "END $$;\n"
      "SELECT 2;";
  const ParsedFile file = ParseSql(text);
  ASSERT_EQ(file.statements.size(), 6u);
  EXPECT_EQ(file.statements[1].node->node_case, PG_QUERY__NODE__NODE_DO_STMT);
  const char* expected[] = {"ALTER TABLE users   /* why */ DROP COLUMN a", "UPDATE users SET b = 1",
                            "DELETE FROM users"};
  for (int i = 0; i < 3; ++i) {
    const Statement& s = file.statements[2 + i];
    EXPECT_EQ(s.parent, 1u);
    EXPECT_EQ(SpanText(text, s), expected[i]);
    EXPECT_EQ(s.text, expected[i]);
    ASSERT_NE(s.node, nullptr);
  }
  EXPECT_FALSE(file.statements[5].nested());
  EXPECT_EQ(file.TopLevelOf(3), 1u);
  EXPECT_EQ(file.TopLevelOf(5), 5u);
  // The comment inside the body is a comment of the file.
  ASSERT_EQ(file.comments.size(), 1u);
  EXPECT_EQ(text.substr(file.comments[0].span.begin, file.comments[0].span.size()), "/* why */");
}

TEST(EmbeddedSql, IntoClauseIsBlankedButTheStatementKeepsItsPlace) {
  const std::string text = "DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM t; END $$;";
  const ParsedFile file = ParseSql(text);
  ASSERT_EQ(file.statements.size(), 2u);
  const Statement& s = file.statements[1];
  EXPECT_EQ(s.span.begin, text.find("SELECT count"));
  EXPECT_EQ(s.node->node_case, PG_QUERY__NODE__NODE_SELECT_STMT);
  EXPECT_EQ(s.FileOffset(s.text.find("FROM")), text.find("FROM"));
}

TEST(EmbeddedSql, FunctionBodiesKeepSchemaChangesNotQueries) {
  const std::string text =
      "CREATE FUNCTION migrate() RETURNS void LANGUAGE plpgsql AS $body$\n"
      "BEGIN\n"
      "  UPDATE counters SET n = n + 1;\n"
      "  CREATE INDEX i ON users (a);\n"
      "END\n"
      "$body$;\n"
      "CREATE FUNCTION f() RETURNS void AS $$ DELETE FROM t; ALTER TABLE t ADD COLUMN c int $$ "
      "LANGUAGE sql;";
  const ParsedFile file = ParseSql(text);
  const auto nested = Nested(file);
  ASSERT_EQ(nested.size(), 2u);
  EXPECT_EQ(SpanText(text, *nested[0]), "CREATE INDEX i ON users (a)");
  EXPECT_EQ(nested[0]->parent, 0u);
  EXPECT_EQ(SpanText(text, *nested[1]), "ALTER TABLE t ADD COLUMN c int");
  EXPECT_EQ(nested[1]->parent, 2u);
}

TEST(EmbeddedSql, QuotedBodyMapsThroughDoubledQuotes) {
  const std::string text =
      "CREATE FUNCTION g() RETURNS void AS 'begin\n"
      "  alter table t add column s text default ''x'';\n"
      "  alter table t drop column d;\n"
      "end' LANGUAGE plpgsql;";
  const ParsedFile file = ParseSql(text);
  const auto nested = Nested(file);
  ASSERT_EQ(nested.size(), 2u);
  EXPECT_EQ(nested[0]->text, "alter table t add column s text default 'x'");
  EXPECT_EQ(SpanText(text, *nested[0]), "alter table t add column s text default ''x''");
  EXPECT_EQ(SpanText(text, *nested[1]), "alter table t drop column d");
  // A position after the doubled quote still lands on the right byte of the file.
  EXPECT_EQ(nested[0]->FileOffset(nested[0]->text.find("'x'") + 1), text.find("x''"));
}

TEST(EmbeddedSql, EscapeStringBody) {
  const std::string text = "DO E'begin\\n  drop table t;\\nend';";
  const ParsedFile file = ParseSql(text);
  const auto nested = Nested(file);
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(SpanText(text, *nested[0]), "drop table t");
}

TEST(EmbeddedSql, SyntaxErrorInsideABodyPointsIntoTheFile) {
  const std::string text =
      "CREATE FUNCTION f() RETURNS void AS $$ ALTER TABLE t ADD COLUMN c int NOT NUL $$ LANGUAGE "
      "sql;";
  const ParsedFile file = ParseSql(text);
  const auto nested = Nested(file);
  ASSERT_EQ(nested.size(), 1u);
  ASSERT_TRUE(nested[0]->error.has_value());
  EXPECT_EQ(nested[0]->error->offset, text.find("NUL $$"));
}

TEST(EmbeddedSql, NestedBodiesAreFollowed) {
  const std::string text =
      "DO $do$ BEGIN\n"
      "  CREATE FUNCTION h() RETURNS void LANGUAGE sql AS $f$ DROP TABLE old_t $f$;\n"
      "END $do$;";
  const ParsedFile file = ParseSql(text);
  ASSERT_EQ(file.statements.size(), 3u);
  EXPECT_EQ(file.statements[1].parent, 0u);
  EXPECT_EQ(file.statements[2].parent, 1u);
  EXPECT_EQ(SpanText(text, file.statements[2]), "DROP TABLE old_t");
  EXPECT_EQ(file.TopLevelOf(2), 0u);
}

TEST(EmbeddedSql, UnanalysableBodiesLeaveANote) {
  // An undeclared loop variable: PL/pgSQL rejects the body.
  const std::string text =
      "DO $$ BEGIN FOR r IN SELECT 1 LOOP DROP TABLE t; END LOOP; END $$;\n"
      "DO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE t') $$;\n"
      "CREATE FUNCTION c() RETURNS void AS 'lib', 'sym' LANGUAGE c;";
  const ParsedFile file = ParseSql(text);
  EXPECT_EQ(file.statements.size(), 3u);
  ASSERT_EQ(file.notes.size(), 1u);
  EXPECT_EQ(file.notes[0].offset, text.find(" BEGIN FOR"));
  EXPECT_NE(file.notes[0].message.find("body of DO block not analysed"), std::string::npos);
}

TEST(EmbeddedSql, TopLevelOffsetsAreLinear) {
  const ParsedFile file = ParseSql("  SELECT 1;");
  ASSERT_EQ(file.statements.size(), 1u);
  EXPECT_EQ(file.statements[0].FileOffset(3), 5u);
  EXPECT_FALSE(file.statements[0].nested());
}

}  // namespace
}  // namespace pgshift::parser
