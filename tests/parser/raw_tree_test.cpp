// The parse tree copied from PostgreSQL's raw tree (parser/raw_tree.c) must be the tree
// protobuf-c unpacks from libpg_query's own output: every rule reads it, and the copy depends on
// PostgreSQL's node headers matching the library byte for byte. Both are packed with protobuf-c
// and compared, statement by statement, over the test fixtures and the worked examples (and,
// when PGSHIFT_CORPUS names a folder, every *.sql file in it).
#include "parser/raw_tree.h"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "parser/arena.h"
#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "parser/splitter.h"
#include "tests/support/sql_files.h"

namespace pgshift::parser {
namespace {

constexpr int kNoDepthLimit = 1 << 30;

void* AllocateIn(void* arena, std::size_t size) {
  return static_cast<Arena*>(arena)->Allocate(size);
}

std::string Packed(const PgQuery__ParseResult* tree) {
  std::string bytes(pg_query__parse_result__get_packed_size(tree), '\0');
  pg_query__parse_result__pack(tree, reinterpret_cast<uint8_t*>(bytes.data()));
  return bytes;
}

// The bytes of the longest string a node of the message's tree holds in a field of its own (the
// value nodes aside: String, Float, BitString), walked field by field.
std::size_t LongestFieldIn(const ProtobufCMessage* message) {
  std::size_t longest = 0;
  const char* base = reinterpret_cast<const char*>(message);
  const ProtobufCMessageDescriptor* type = message->descriptor;
  const bool value_node = type == &pg_query__string__descriptor ||
                          type == &pg_query__float__descriptor ||
                          type == &pg_query__bit_string__descriptor;
  for (unsigned f = 0; f < type->n_fields; ++f) {
    const ProtobufCFieldDescriptor& field = type->fields[f];
    if (field.type != PROTOBUF_C_TYPE_MESSAGE &&
        (field.type != PROTOBUF_C_TYPE_STRING || value_node)) {
      continue;
    }
    if ((field.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
        *reinterpret_cast<const uint32_t*>(base + field.quantifier_offset) != field.id) {
      continue;  // another member of the oneof is set
    }
    std::size_t count = 1;
    const void* const* values = reinterpret_cast<const void* const*>(base + field.offset);
    if (field.label == PROTOBUF_C_LABEL_REPEATED) {
      count = *reinterpret_cast<const std::size_t*>(base + field.quantifier_offset);
      values = *reinterpret_cast<const void* const* const*>(base + field.offset);
    }
    for (std::size_t k = 0; k < count; ++k) {
      if (values[k] == nullptr) continue;
      longest =
          std::max(longest, field.type == PROTOBUF_C_TYPE_STRING
                                ? std::strlen(static_cast<const char*>(values[k]))
                                : LongestFieldIn(static_cast<const ProtobufCMessage*>(values[k])));
    }
  }
  return longest;
}

// The packed tree of `sql` copied from the raw tree, or why there is none. Checks on the way that
// the conversion measured the longest string field (a one-byte `char` field is not measured).
std::string RawRoute(const std::string& sql, int max_depth = kNoDepthLimit) {
  Arena arena;
  PgshiftRawParse parse = pgshift_raw_parse(sql.c_str(), &AllocateIn, &arena, max_depth);
  std::string packed;
  if (parse.error != nullptr) {
    packed = std::string("error: ") + parse.error->message + " at " +
             std::to_string(parse.error->cursorpos);
  } else if (parse.too_deep) {
    packed = "too deep";
  } else if (parse.tree == nullptr) {
    packed = "unknown node";
  } else {
    packed = Packed(parse.tree);
    EXPECT_EQ(std::max<std::size_t>(parse.longest_field, 1),
              std::max<std::size_t>(LongestFieldIn(&parse.tree->base), 1))
        << sql.substr(0, 200);
  }
  pgshift_raw_parse_free(&parse);
  return packed;
}

// The same from libpg_query's protobuf output.
std::string ProtobufRoute(const std::string& sql) {
  PgQueryProtobufParseResult result = pg_query_parse_protobuf(sql.c_str());
  std::string packed = result.error != nullptr
                           ? std::string("error: ") + result.error->message + " at " +
                                 std::to_string(result.error->cursorpos)
                           : std::string(result.parse_tree.data, result.parse_tree.len);
  pg_query_free_protobuf_parse_result(result);
  return packed;
}

::testing::AssertionResult SameTree(const std::string& sql) {
  const std::string raw = RawRoute(sql);
  const std::string protobuf = ProtobufRoute(sql);
  if (raw == protobuf) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the trees differ (" << raw.size() << " against " << protobuf.size()
         << " bytes packed) for " << sql.substr(0, 200);
}

// Compares every statement of every file; returns how many parsed.
std::size_t CompareStatementsIn(const std::filesystem::path& folder) {
  std::size_t parsed = 0;
  for (const testing::SqlFile& file : testing::SqlFilesUnder(folder)) {
    const std::string& text = file.text;
    for (const RawStatement& statement : SplitStatements(text).statements) {
      const std::string sql = text.substr(statement.span.begin, statement.span.size());
      if (statement.operator_chain > 20000) continue;  // pgshift does not parse these
      const std::string raw = OnLargeStack([&] { return RawRoute(sql); });
      EXPECT_EQ(raw, ProtobufRoute(sql)) << file.path << " at byte " << statement.span.begin;
      if (raw.rfind("error: ", 0) != 0) ++parsed;
    }
  }
  return parsed;
}

TEST(RawTree, MatchesTheProtobufTreeOnFixturesAndExamples) {
  std::size_t parsed = 0;
  for (const char* folder : {"tests/fixtures", "migrations-examples"})
    parsed += CompareStatementsIn(std::filesystem::path(PGSHIFT_SOURCE_DIR) / folder);
  EXPECT_GT(parsed, 100u);  // the many-node-kinds fixture alone has more than 60
}

TEST(RawTree, MatchesTheProtobufTreeOnACorpusWhenGiven) {
  const char* corpus = std::getenv("PGSHIFT_CORPUS");
  if (corpus == nullptr || !std::filesystem::is_directory(corpus)) {
    GTEST_SKIP() << "set PGSHIFT_CORPUS to a folder of migrations to compare them too";
  }
  const std::size_t parsed = CompareStatementsIn(corpus);
  EXPECT_GT(parsed, 0u);
  std::cout << parsed << " statements compared\n";
}

// The enums whose numbering moved in PostgreSQL's later 15.x headers, the value nodes, strings
// with escapes, and integers below 1 (which libpg_query's JSON leaves out).
TEST(RawTree, MatchesOnEnumsValuesAndStrings) {
  for (const char* sql : {
           "SELECT * FROM t ORDER BY a DESC NULLS LAST LIMIT 5",
           "SELECT * FROM t FETCH FIRST 3 ROWS WITH TIES",
           "SELECT * FROM t OFFSET 2 FOR UPDATE SKIP LOCKED",
           "SELECT 0, -1, - 2, -2147483648, 2147483648, -1.5, 1e3, true, B'101', X'1F', NULL",
           "SELECT E'\\x01\\b\\f\\n\\r\\t', 'a\"b\\c', '<>&/', 'é中😀', U&'d\\0061t'",
           "CREATE SEQUENCE s INCREMENT -1 START 0",
           "ALTER TABLE t ALTER COLUMN x SET STATISTICS -1",
           "CREATE TABLE t (a int[], b text[][3], c int ARRAY, d int[0], e char(1) STORAGE PLAIN)",
           "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (b) MATCH FULL ON DELETE "
           "SET NULL NOT VALID",
           "CREATE INDEX CONCURRENTLY i ON t USING gin (a jsonb_path_ops) WHERE b IS NOT NULL",
           "CREATE STATISTICS s (dependencies) ON a, b FROM t",
           "MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN UPDATE SET b = u.b "
           "WHEN NOT MATCHED THEN INSERT VALUES (u.a, u.b)",
           "CREATE FUNCTION f() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$",
           // A column defined in a query, with a name long enough to count (longest_field).
           "SELECT * FROM f() x(a_column_defined_in_a_select_list_with_a_name_of_sixty_bytes int)",
           "DO $$ BEGIN PERFORM 1; END $$",
           "SELECT 1; SELECT 2; CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)",
           "",
       }) {
    EXPECT_TRUE(SameTree(sql));
  }
}

TEST(RawTree, ReportsSyntaxErrorsWithTheirPositionAndParsesOnAfterThem) {
  const std::string error = RawRoute("SELECT FROM WHERE ,");
  EXPECT_EQ(error, ProtobufRoute("SELECT FROM WHERE ,"));
  EXPECT_EQ(error.rfind("error: syntax error at or near", 0), 0u) << error;
  EXPECT_TRUE(SameTree("ALTER TABLE t ADD COLUMN c int"));
}

TEST(RawTree, StopsAtTheDepthItIsGiven) {
  // SELECT 1+1+1: RawStmt's statement, SelectStmt, ResTarget, then three A_Expr and A_Const levels.
  const std::string sql = "SELECT 1+1+1";
  EXPECT_EQ(RawRoute(sql, 3), "too deep");
  EXPECT_EQ(RawRoute(sql, 6), ProtobufRoute(sql));
  // pgshift's own limit: a statement nested beyond it is an error finding, one within it a tree.
  std::string chain = "SELECT 1";
  for (int i = 0; i < 6000; ++i) chain += "+1";
  const StatementParse deep = OnLargeStack([&] { return ParseStatementText(chain); });
  ASSERT_TRUE(deep.error.has_value());
  EXPECT_NE(deep.error->message.find("nests too deeply"), std::string::npos);
  std::string nested = "SELECT ";
  for (int i = 0; i < 3000; ++i) nested += "(1 + ";
  nested += "1";
  for (int i = 0; i < 3000; ++i) nested += ")";
  const StatementParse allowed = OnLargeStack([&] { return ParseStatementText(nested); });
  EXPECT_FALSE(allowed.error.has_value());
  EXPECT_NE(allowed.node, nullptr);
  EXPECT_TRUE(OnLargeStack([&] { return SameTree(nested); }));
}

// The conversion keeps its state per thread: threads parsing at once get their own trees.
TEST(RawTree, ThreadsParsingAtOnceGetTheirOwnTrees) {
  const std::vector<std::string> statements = {
      "ALTER TABLE a ADD COLUMN b int DEFAULT 1", "CREATE INDEX i ON t (a, b)",
      "SELECT x FROM y WHERE z IN (SELECT 1)", "UPDATE t SET a = a + 1 WHERE b < 0"};
  std::vector<std::string> expected;
  for (const std::string& sql : statements) expected.push_back(ProtobufRoute(sql));
  std::vector<int> mismatches(statements.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < statements.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        if (RawRoute(statements[t]) != expected[t]) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t t = 0; t < statements.size(); ++t) EXPECT_EQ(mismatches[t], 0) << statements[t];
}

}  // namespace
}  // namespace pgshift::parser
