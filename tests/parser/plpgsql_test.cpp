// ParsePlpgsqlBody reads libpg_query's PL/pgSQL JSON as it streams by; it must find exactly the
// statements a walk over the whole parsed document finds (the reference below), in the same order.
#include "parser/plpgsql.h"

#include <gtest/gtest.h>
#include <pg_query.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parser/splitter.h"
#include "tests/support/sql_files.h"

namespace pgshift::parser {
namespace {

using Json = nlohmann::ordered_json;

void Walk(const Json& value, std::vector<PlpgsqlStatement>& out) {
  if (value.is_array()) {
    for (const Json& item : value) Walk(item, out);
    return;
  }
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) {
    if (key == "PLpgSQL_stmt_execsql" && child.is_object()) {
      const Json* query = nullptr;
      if (auto sql = child.find("sqlstmt"); sql != child.end() && sql->is_object()) {
        if (auto expr = sql->find("PLpgSQL_expr"); expr != sql->end() && expr->is_object()) {
          if (auto q = expr->find("query"); q != expr->end() && q->is_string()) query = &*q;
        }
      }
      const auto line = child.find("lineno");
      if (query != nullptr && line != child.end() && line->is_number_integer()) {
        out.push_back({query->get<std::string>(), line->get<int>()});
      }
      continue;
    }
    Walk(child, out);
  }
}

std::vector<std::pair<std::string, int>> Pairs(const std::vector<PlpgsqlStatement>& statements) {
  std::vector<std::pair<std::string, int>> out;
  for (const PlpgsqlStatement& s : statements) out.emplace_back(s.sql, s.line);
  return out;
}

// Compares the two for `sql`; whether pg_query read it as PL/pgSQL at all.
bool ExpectSameStatements(const std::string& sql, const std::string& where) {
  PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(sql.c_str());
  const PlpgsqlBody body = ParsePlpgsqlBody(sql);
  const bool parsed = result.error == nullptr && result.plpgsql_funcs != nullptr;
  EXPECT_EQ(body.error.has_value(), result.error != nullptr) << where;
  if (parsed) {
    std::vector<PlpgsqlStatement> want;
    Walk(Json::parse(result.plpgsql_funcs), want);
    EXPECT_EQ(Pairs(body.statements), Pairs(want)) << where;
  }
  pg_query_free_plpgsql_parse_result(result);
  return parsed;
}

TEST(Plpgsql, FindsTheStatementsADocumentWalkFinds) {
  const char* const kBodies[] = {
      "DO $$ BEGIN UPDATE t SET a = 1; END $$",
      "DO $$\nDECLARE n int; r record;\nBEGIN\n  IF n > 0 THEN\n    UPDATE t SET a = 'q\"\\';\n"
      "  ELSIF n < 0 THEN DELETE FROM t;\n  ELSE\n    INSERT INTO u VALUES (1) RETURNING id INTO "
      "n;\n"
      "  END IF;\n  EXECUTE 'DROP TABLE x';\n  FOR r IN SELECT 1 AS a LOOP\n"
      "    ALTER TABLE t ADD COLUMN \"é😀\" int;\n  END LOOP;\n"
      "  BEGIN\n    CREATE INDEX i ON t (a);\n  EXCEPTION WHEN others THEN\n"
      "    RAISE NOTICE 'x';\n    DROP INDEX i;\n  END;\n  PERFORM 1;\nEND $$",
      "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n"
      "  WHILE false LOOP TRUNCATE t; END LOOP;\n  CASE WHEN true THEN VACUUM; ELSE ANALYZE t; END "
      "CASE;\n"
      "  RETURN NEW;\nEND $body$",
      "DO $$ BEGIN RETURN; END $$",
      "DO $$ BEGIN SELEC 1; END $$",  // does not parse
  };
  int parsed = 0;
  for (const char* body : kBodies) parsed += ExpectSameStatements(body, body) ? 1 : 0;
  EXPECT_EQ(parsed, 4);
  const PlpgsqlBody body = ParsePlpgsqlBody(kBodies[1]);
  ASSERT_EQ(body.statements.size(), 6u);
  EXPECT_EQ(body.statements[0].sql, "UPDATE t SET a = 'q\"\\'");
  EXPECT_EQ(body.statements[0].line, 5);
  EXPECT_EQ(body.statements[3].sql, "ALTER TABLE t ADD COLUMN \"é😀\" int");
  EXPECT_EQ(body.statements[5].sql, "DROP INDEX i");
}

TEST(Plpgsql, FindsTheStatementsADocumentWalkFindsInACorpusWhenGiven) {
  const char* corpus = std::getenv("PGSHIFT_CORPUS");
  if (corpus == nullptr || !std::filesystem::is_directory(corpus)) {
    GTEST_SKIP() << "set PGSHIFT_CORPUS to a folder of migrations to compare them too";
  }
  int parsed = 0;
  for (const testing::SqlFile& file : testing::SqlFilesUnder(corpus)) {
    const std::string& text = file.text;
    for (const RawStatement& statement : SplitStatements(text).statements) {
      const std::string sql = text.substr(statement.span.begin, statement.span.size());
      if (sql.find("$") == std::string::npos) continue;  // no body to read
      parsed += ExpectSameStatements(sql, file.path.string()) ? 1 : 0;
    }
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace pgshift::parser
