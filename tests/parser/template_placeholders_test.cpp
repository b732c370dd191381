#include "parser/template_placeholders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "parser/parsed_file.h"

namespace pgshift::parser {
namespace {

std::string StandIn(std::string_view text) {
  TemplateStandIns out = StandInForPlaceholders(text);
  if (out.spans.empty()) return std::string(text);
  EXPECT_EQ(out.text.size(), text.size());
  return out.text;
}

TEST(TemplatePlaceholders, FlywayPlaceholdersBecomeTheirNames) {
  EXPECT_EQ(StandIn("CREATE TABLE ${schema}.users (id int);"),
            "CREATE TABLE schema   .users (id int);");
  EXPECT_EQ(StandIn("GRANT SELECT ON t TO ${flyway:user};"),
            "GRANT SELECT ON t TO user          ;");
}

TEST(TemplatePlaceholders, GoTemplateActionsBecomeTheirLastWord) {
  EXPECT_EQ(StandIn("ALTER TABLE {{ index .Options \"Namespace\" }}.users ADD x int;"),
            "ALTER TABLE Namespace                       .users ADD x int;");
  EXPECT_EQ(StandIn("DROP TABLE {{.Schema}}.t;"), "DROP TABLE Schema     .t;");
}

TEST(TemplatePlaceholders, JoinedToANameTheyStayOneName) {
  EXPECT_EQ(StandIn("CREATE TABLE ${prefix}users ();"), "CREATE TABLE    prefixusers ();");
  EXPECT_EQ(StandIn("CREATE TABLE users_${suffix} ();"), "CREATE TABLE users_suffix    ();");
  EXPECT_EQ(StandIn("CREATE TABLE a${x}b ();"), "CREATE TABLE ax___b ();");
  EXPECT_EQ(StandIn("SELECT ${1};"), "SELECT _1  ;");
}

TEST(TemplatePlaceholders, AQuotedNameThatIsOnePlaceholderBecomesAnUnquotedName) {
  // The action's own quotes would end the quoted name: the template is filled in first.
  EXPECT_EQ(StandIn("CREATE INDEX i ON \"{{ index .Options \"Namespace\" }}\".t (a);"),
            "CREATE INDEX i ON Namespace                         .t (a);");
  EXPECT_EQ(StandIn("SELECT * FROM \"${schema}\".t;"), "SELECT * FROM schema     .t;");
  // Quoted names holding more than the placeholder parse as they are.
  EXPECT_TRUE(StandInForPlaceholders("SELECT 1 AS \"{{ .A }}x\", \"{{ .B }}\";").spans.size() == 1);
}

TEST(TemplatePlaceholders, ControlActionsAndTemplateCommentsStandForNothing) {
  EXPECT_EQ(StandIn("{{ if .Pg }}SELECT 1;{{ end }}"), "            SELECT 1;         ");
  EXPECT_EQ(StandIn("{{/* note */}}SELECT 1;"), "              SELECT 1;");
  EXPECT_EQ(StandIn("{{- else -}}\nSELECT 1;"), "            \nSELECT 1;");
}

TEST(TemplatePlaceholders, LineBreaksAndOffsetsStay) {
  const std::string text = "SELECT {{ index\n .Options \"Namespace\" }}.t;";
  const std::string out = StandIn(text);
  EXPECT_EQ(out.find('\n'), text.find('\n'));
  // The first line has no room for the name: it goes at the start of the last.
  EXPECT_EQ(out, "SELECT         \nNamespace               .t;");
}

TEST(TemplatePlaceholders, StringsQuotedNamesAndCommentsAreLeftAlone) {
  for (const std::string text :
       {"SELECT '${x}', '{{1,2},{3,4}}';", "SELECT E'\\'${x}';", "SELECT 1 AS \"a${x}\";",
        "-- ${x}\nSELECT 1;", "/* {{ .X }} /* nested */ ${y} */ SELECT 1;"}) {
    const TemplateStandIns out = StandInForPlaceholders(text);
    EXPECT_TRUE(out.spans.empty()) << text;
  }
  // After a string with a doubled quote, scanning goes on.
  EXPECT_EQ(StandIn("SELECT 'it''s' FROM ${t};"), "SELECT 'it''s' FROM t   ;");
}

TEST(TemplatePlaceholders, BodiesInDollarQuotesAreSqlToo) {
  EXPECT_EQ(StandIn("DO $$ BEGIN DROP TABLE ${s}.t; END $$;"),
            "DO $$ BEGIN DROP TABLE s   .t; END $$;");
}

TEST(TemplatePlaceholders, UnclosedOrMalformedOnesAreNotPlaceholders) {
  EXPECT_TRUE(StandInForPlaceholders("SELECT ${x;").spans.empty());
  EXPECT_TRUE(StandInForPlaceholders("SELECT ${};").spans.empty());
  EXPECT_TRUE(StandInForPlaceholders("SELECT ${a\n};").spans.empty());
  EXPECT_TRUE(StandInForPlaceholders("SELECT {{ x;").spans.empty());
  EXPECT_TRUE(StandInForPlaceholders("SELECT {{" + std::string(2000, 'x') + "}};").spans.empty());
  EXPECT_TRUE(StandInForPlaceholders("SELECT $1, $$ {x} $$;").spans.empty());
}

TEST(TemplatePlaceholders, OpeningsWithoutTheirCloseAreLookedPastInLinearTime) {
  // Searching each opening's close to the end of the text would take hours here.
  std::string openings;
  for (int i = 0; i < (1 << 19); ++i) openings += "{{${";
  const TemplateStandIns out = StandInForPlaceholders(openings);
  EXPECT_TRUE(out.spans.empty());
  EXPECT_TRUE(StandInForPlaceholders("\"" + openings).spans.empty());
}

TEST(TemplatePlaceholders, AnyTextKeepsItsLengthLineBreaksAndOrderedSpans) {
  // Texts drawn from the bytes that open and close placeholders, quotes and comments.
  const std::string alphabet = "{}$\"'-/*\n aE\\.x";
  std::uint32_t seed = 12345;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int length = 1 + round % 40;
    for (int i = 0; i < length; ++i) {
      seed = seed * 1664525u + 1013904223u;
      text += alphabet[(seed >> 16) % alphabet.size()];
    }
    const TemplateStandIns out = StandInForPlaceholders(text);
    if (out.spans.empty()) {
      EXPECT_TRUE(out.text.empty()) << text;
      continue;
    }
    ASSERT_EQ(out.text.size(), text.size()) << text;
    std::size_t previous_end = 0;
    for (const Span& span : out.spans) {
      ASSERT_LE(previous_end, span.begin) << text;
      ASSERT_LT(span.begin, span.end) << text;
      ASSERT_LE(span.end, text.size()) << text;
      previous_end = span.end;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
      const bool inside = std::any_of(out.spans.begin(), out.spans.end(),
                                      [&](const Span& s) { return s.begin <= i && i < s.end; });
      // Line breaks stay; bytes outside placeholders stay, but for underscores joining a name.
      if (text[i] == '\n' || !inside) {
        ASSERT_EQ(out.text[i], text[i]) << text << " at " << i;
      }
    }
  }
}

TEST(TemplatePlaceholders, ATemplatedFileParsesAndSaysSo) {
  const std::string sql =
      "CREATE INDEX users_email_idx ON {{ index .Options \"Namespace\" }}.users (email);\n"
      "DO $$ BEGIN ALTER TABLE ${schema}.users ADD COLUMN x int; END $$;\n";
  const ParsedFile file = ParseSql(sql);
  ASSERT_EQ(file.statements.size(), 3u);  // the DO block's body is analysed too
  for (const Statement& s : file.statements) EXPECT_FALSE(s.error.has_value()) << s.text;
  EXPECT_EQ(file.statements[0].text, sql.substr(0, sql.find(';')));  // the file's own bytes
  ASSERT_EQ(file.placeholders.size(), 2u);
  EXPECT_TRUE(file.HoldsPlaceholder(file.statements[0].span));
  EXPECT_TRUE(file.HoldsPlaceholder(file.statements[1].span));
  ASSERT_FALSE(file.notes.empty());
  EXPECT_NE(file.notes[0].message.find("2 template placeholder(s), such as `{{ index"),
            std::string::npos);
  const ParsedFile plain = ParseSql("CREATE INDEX i ON users (email);");
  EXPECT_TRUE(plain.placeholders.empty());
  EXPECT_FALSE(plain.HoldsPlaceholder(plain.statements[0].span));
}

}  // namespace
}  // namespace pgshift::parser
