// The parse tree decoded from libpg_query's JSON must be the tree protobuf-c unpacks: every rule
// reads it. Both are packed again with protobuf-c and compared byte for byte, statement by
// statement, over the test fixtures and the worked examples (and, when PGSHIFT_CORPUS names a
// folder, every *.sql file in it).
#include "parser/json_tree.h"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "parser/splitter.h"

namespace pgshift::parser {
namespace {

std::string Packed(const PgQuery__ParseResult* tree) {
  std::string bytes(pg_query__parse_result__get_packed_size(tree), '\0');
  pg_query__parse_result__pack(tree, reinterpret_cast<uint8_t*>(bytes.data()));
  return bytes;
}

enum class Outcome { kSame, kDeclined, kDifferent, kOnlyOneFails };

// Parses `sql` both ways and compares the trees; `json` receives the JSON, for messages.
Outcome Compare(const std::string& sql, std::string* json_out = nullptr) {
  PgQueryProtobufParseResult expected = pg_query_parse_protobuf(sql.c_str());
  PgQueryParseResult json = pg_query_parse(sql.c_str());
  Outcome outcome = Outcome::kSame;
  if ((expected.error == nullptr) != (json.error == nullptr)) {
    outcome = Outcome::kOnlyOneFails;
  } else if (json.error == nullptr) {
    if (json_out != nullptr) *json_out = json.parse_tree;
    Arena arena;
    const PgQuery__ParseResult* tree = DecodeJsonParseTree(json.parse_tree, sql, arena).tree;
    const std::string want(expected.parse_tree.data, expected.parse_tree.len);
    if (tree == nullptr) {
      outcome = Outcome::kDeclined;
    } else if (Packed(tree) != want) {
      outcome = Outcome::kDifferent;
    }
  }
  pg_query_free_protobuf_parse_result(expected);
  pg_query_free_parse_result(json);
  return outcome;
}

// The decoder builds exactly the protobuf tree.
::testing::AssertionResult SameTree(const std::string& sql) {
  std::string json;
  const Outcome outcome = Compare(sql, &json);
  if (outcome == Outcome::kSame) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << (outcome == Outcome::kDeclined    ? "the decoder declined "
             : outcome == Outcome::kDifferent ? "the trees differ for "
                                              : "only one route fails to parse ")
         << json;
}

std::vector<std::filesystem::path> SqlFiles(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql")
      files.push_back(entry.path());
  }
  return files;
}

struct Tally {
  std::size_t compared = 0;
  std::size_t declined = 0;
};

// Every statement of every file either decodes to the protobuf tree or is declined (and so parsed
// the protobuf way).
Tally CompareStatementsIn(const std::filesystem::path& folder) {
  Tally tally;
  for (const auto& file : SqlFiles(folder)) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    for (const RawStatement& statement : SplitStatements(text).statements) {
      const std::string sql = text.substr(statement.span.begin, statement.span.size());
      std::string json;
      const Outcome outcome = Compare(sql, &json);
      EXPECT_TRUE(outcome == Outcome::kSame || outcome == Outcome::kDeclined)
          << file << " at byte " << statement.span.begin << ": " << json;
      ++tally.compared;
      if (outcome == Outcome::kDeclined) ++tally.declined;
    }
  }
  return tally;
}

TEST(JsonTree, MatchesTheProtobufTreeOnFixturesAndExamples) {
  Tally tally;
  for (const char* folder : {"tests/fixtures", "migrations-examples"}) {
    const Tally in_folder = CompareStatementsIn(std::filesystem::path(PGSHIFT_SOURCE_DIR) / folder);
    tally.compared += in_folder.compared;
    tally.declined += in_folder.declined;
  }
  EXPECT_GT(tally.compared, 100u);  // the many-node-kinds fixture alone has more than 60
  // Declining is correct but slow; it is meant for rare statements only.
  EXPECT_LE(tally.declined, tally.compared / 20);
}

TEST(JsonTree, MatchesTheProtobufTreeOnACorpusWhenGiven) {
  const char* corpus = std::getenv("PGSHIFT_CORPUS");
  if (corpus == nullptr || !std::filesystem::is_directory(corpus)) {
    GTEST_SKIP() << "set PGSHIFT_CORPUS to a folder of migrations to compare them too";
  }
  const Tally tally = CompareStatementsIn(corpus);
  EXPECT_GT(tally.compared, 0u);
  std::cout << tally.compared << " statements compared, " << tally.declined << " declined\n";
}

// The JSON printer drops integer values below 1; the decoder recovers them from the SQL text or
// the grammar.
TEST(JsonTree, RecoversZeroAndNegativeIntegers) {
  EXPECT_TRUE(SameTree("SELECT 0, 00, -1, - 2, -(3), - -0, - /* c */ ( - -4), -- c\n -5, a[-1]"));
  EXPECT_TRUE(SameTree("SELECT -2147483647, -2147483648, 2147483648, -1.5, -1e3, -0.0"));
  EXPECT_TRUE(SameTree("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT -1, ADD d int DEFAULT 0"));
  EXPECT_TRUE(SameTree("CREATE TABLE t (a int[], b text[][3], c int ARRAY, d int[2])"));
  EXPECT_TRUE(SameTree("SET x = -1"));
}

// Where the SQL cannot tell a zero from a negative value, the decoder declines and ParseSql takes
// the protobuf path: the tree is right either way.
TEST(JsonTree, DeclinesIntegersItCannotRecover) {
  for (const char* sql : {
           "CREATE SEQUENCE s INCREMENT -1 START 0",
           "ALTER TABLE t ALTER COLUMN x SET STATISTICS -1",
           "CREATE TABLE t (b int[0])",
           "CREATE TABLE t (b int[ /* */ 0])",
           "CREATE INDEX i ON t (a) WITH (x = -1)",
       }) {
    EXPECT_EQ(Compare(sql), Outcome::kDeclined) << sql;
  }
  const ParsedFile file = ParseSql("ALTER TABLE t ALTER COLUMN x SET STATISTICS -1;\nSELECT -7;");
  ASSERT_EQ(file.statements.size(), 2u);
  EXPECT_EQ(file.statements[0].node->alter_table_stmt->cmds[0]->alter_table_cmd->def->integer->ival,
            -1);
  EXPECT_EQ(
      file.statements[1].node->select_stmt->target_list[0]->res_target->val->a_const->ival->ival,
      -7);
}

TEST(JsonTree, EscapesAndUnicodeSurviveInStrings) {
  EXPECT_TRUE(SameTree("SELECT E'\\x01\\b\\f\\n\\r\\t', 'a\"b\\c', '<>&/', 'é中😀'"));
  Arena arena;
  const PgQuery__ParseResult* tree =
      DecodeJsonParseTree(R"({"stmts":[{"stmt":{"String":{"sval":"\u00e9\ud83d\ude00\n"}}}]})", "",
                          arena)
          .tree;
  ASSERT_NE(tree, nullptr);
  EXPECT_STREQ(tree->stmts[0]->stmt->string->sval, "é😀\n");
}

TEST(JsonTree, DeclinesWhatTheSchemaDoesNotDescribe) {
  Arena arena;
  for (const char* json : {
           R"({"version":150001,"stmts":[{"stmt":{"NoSuchStmt":{}}}]})",  // unknown node
           R"({"stmts":[{"stmt":{"SelectStmt":{"op":"NO_SUCH_OP"}}}]})",  // unknown enum value
           R"({"stmts":[{"stmt":{"SelectStmt":{"all":"yes"}}}]})",        // wrong type
           R"({"stmts":[{"stmt":{"String":{"sval":"\ud800"}}}]})",        // lone surrogate
           R"({"stmts":[{"stmt":{"String":{"sval":"\u0000"}}}]})",        // NUL in a C string
           R"({"stmts":[{"stmt":{"String":{"sval":"abc)",                 // cut short
           R"({"stmts":[]} trailing)",
           "",
       }) {
    const JsonTree decoded = DecodeJsonParseTree(json, "", arena);
    EXPECT_EQ(decoded.tree, nullptr) << json;
    EXPECT_FALSE(decoded.too_deep) << json;
  }
}

TEST(JsonTree, SaysWhenATreeNestsTooDeeply) {
  std::string json = R"({"stmts":[{"stmt":)";
  for (int i = 0; i < kMaxJsonTreeDepth; ++i) json += R"({"List":{"items":[)";
  json += "{}";
  for (int i = 0; i < kMaxJsonTreeDepth; ++i) json += "]}}";
  json += "}]}";
  Arena arena;
  // On the large stack, as pgshift decodes: the decoder goes kMaxJsonTreeDepth levels deep
  // before it stops, more than 8 MB of stack in a sanitizer build.
  const JsonTree decoded = OnLargeStack([&] { return DecodeJsonParseTree(json, "", arena); });
  EXPECT_EQ(decoded.tree, nullptr);
  EXPECT_TRUE(decoded.too_deep);
  EXPECT_EQ(JsonNestingDepth(json), 4 + 3 * kMaxJsonTreeDepth);
  EXPECT_EQ(JsonNestingDepth(R"({"a":"{[\"{"})"), 1);
}

TEST(JsonTree, DeeplyNestedExpressionsDoNotExhaustTheStack) {
  std::string sql = "SELECT ";
  for (int i = 0; i < 3000; ++i) sql += "(1 + ";
  sql += "1";
  for (int i = 0; i < 3000; ++i) sql += ")";
  EXPECT_TRUE(SameTree(sql));
}

}  // namespace
}  // namespace pgshift::parser
