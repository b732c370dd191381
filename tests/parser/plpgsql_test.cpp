// ParsePlpgsqlBody compiles a body from the statement's tree (parser/raw_plpgsql.c); it must find
// exactly what libpg_query's pg_query_parse_plpgsql finds from the statement's text, read as a
// whole JSON document (the reference below): the same statements in the same order with the
// same lines, or the same error. Compared on bodies written here, every DO and CREATE FUNCTION
// statement of the fixtures and examples (and, when PGSHIFT_CORPUS names a folder, of its *.sql
// files), and every such statement written inside their bodies.
#include "parser/plpgsql.h"

#include <gtest/gtest.h>
#include <pg_query.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "parser/ast.h"
#include "parser/large_stack.h"
#include "parser/parsed_file.h"
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

struct Found {
  std::vector<std::pair<std::string, int>> statements;
  std::optional<std::string> error;
  bool operator==(const Found&) const = default;
};

void PrintTo(const Found& found, std::ostream* out) {
  if (found.error) *out << "error \"" << *found.error << "\" ";
  *out << found.statements.size() << " statements:";
  for (const auto& [sql, line] : found.statements) *out << "\n  line " << line << ": " << sql;
}

// libpg_query's route, as pgshift read it before: the statement's text through
// pg_query_parse_plpgsql, the JSON walked as a document, the messages it gave.
Found Reference(const std::string& sql) {
  PgQueryPlpgsqlParseResult result = pg_query_parse_plpgsql(sql.c_str());
  Found found;
  if (result.error != nullptr) {
    found.error = result.error->message != nullptr ? result.error->message : "PL/pgSQL parse error";
  } else if (result.plpgsql_funcs != nullptr) {
    const Json json = Json::parse(result.plpgsql_funcs, nullptr, false);
    if (json.is_discarded()) {
      found.error = "unreadable PL/pgSQL parse tree";
    } else {
      std::vector<PlpgsqlStatement> statements;
      Walk(json, statements);
      for (PlpgsqlStatement& s : statements)
        found.statements.emplace_back(std::move(s.sql), s.line);
    }
  }
  pg_query_free_plpgsql_parse_result(result);
  return found;
}

Found Direct(const Node& statement) {
  PlpgsqlBody body = ParsePlpgsqlBody(statement);
  Found found;
  found.error = std::move(body.error);
  for (PlpgsqlStatement& s : body.statements)
    found.statements.emplace_back(std::move(s.sql), s.line);
  return found;
}

// A DO or CREATE FUNCTION statement with an AS item: what pgshift reads bodies from, and what
// pg_query_parse_plpgsql takes (it asserts that the item is there).
bool HasBody(const Node& node) {
  Node* const* items = nullptr;
  std::size_t count = 0;
  if (node.node_case == PG_QUERY__NODE__NODE_DO_STMT) {
    items = node.do_stmt->args, count = node.do_stmt->n_args;
  } else if (node.node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
    items = node.create_function_stmt->options, count = node.create_function_stmt->n_options;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM &&
        std::strcmp(items[i]->def_elem->defname, "as") == 0)
      return true;
  }
  return false;
}

struct Counts {
  int bodies = 0;
  int errors = 0;
  int statements = 0;
};

// Compares the two routes on `sql` when it is a statement with a body, then on each statement its
// body writes out. Returns whether it compared.
bool CompareRoutes(const std::string& sql, const std::string& where, Counts& counts,
                   int depth = 0) {
  const StatementParse parse = OnLargeStack([&] { return ParseStatementText(sql); });
  if (parse.node == nullptr || !HasBody(*parse.node)) return false;
  const Found want = Reference(sql);
  EXPECT_EQ(Direct(*parse.node), want) << where << "\n" << sql.substr(0, 300);
  ++counts.bodies;
  if (want.error) ++counts.errors;
  counts.statements += static_cast<int>(want.statements.size());
  if (depth < 8) {
    for (const auto& [text, line] : want.statements) {
      CompareRoutes(text, where + ", body line " + std::to_string(line), counts, depth + 1);
    }
  }
  return true;
}

Counts CompareStatementsIn(const std::filesystem::path& folder) {
  Counts counts;
  for (const testing::SqlFile& file : testing::SqlFilesUnder(folder)) {
    const std::string& text = file.text;
    for (const RawStatement& statement : SplitStatements(text).statements) {
      CompareRoutes(text.substr(statement.span.begin, statement.span.size()),
                    file.path.string() + " at byte " + std::to_string(statement.span.begin),
                    counts);
    }
  }
  return counts;
}

Found DirectOf(const std::string& sql) {
  const StatementParse parse = ParseStatementText(sql);
  EXPECT_NE(parse.node, nullptr) << sql;
  return parse.node != nullptr ? Direct(*parse.node) : Found{};
}

const char* const kBodies[] = {
    "DO $$ BEGIN UPDATE t SET a = 1; END $$",
    "DO $$\nDECLARE n int; r record;\nBEGIN\n  IF n > 0 THEN\n    UPDATE t SET a = 'q\"\\';\n"
    "  ELSIF n < 0 THEN DELETE FROM t;\n  ELSE\n    INSERT INTO u VALUES (1) RETURNING id INTO n;\n"
    "  END IF;\n  EXECUTE 'DROP TABLE x';\n  FOR r IN SELECT 1 AS a LOOP\n"
    "    ALTER TABLE t ADD COLUMN \"é😀\" int;\n  END LOOP;\n"
    "  BEGIN\n    CREATE INDEX i ON t (a);\n  EXCEPTION WHEN others THEN\n"
    "    RAISE NOTICE 'x';\n    DROP INDEX i;\n  END;\n  PERFORM 1;\nEND $$",
    "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n"
    "  WHILE false LOOP TRUNCATE t; END LOOP;\n  CASE WHEN true THEN VACUUM; ELSE ANALYZE t; END "
    "CASE;\n  RETURN NEW;\nEND $body$",
    "DO $$ BEGIN RETURN; END $$",
    // Every statement that holds statements, nested, in the printer's order.
    "DO $$\nDECLARE i int; a int[]; r record;\nBEGIN\n"
    "  <<outer>> BEGIN\n    UPDATE t1 SET a = 1;\n"
    "  EXCEPTION WHEN unique_violation THEN UPDATE t2 SET a = 2;\n"
    "    WHEN division_by_zero OR others THEN\n      BEGIN UPDATE t3 SET a = 3;\n"
    "      EXCEPTION WHEN others THEN UPDATE t4 SET a = 4; END;\n  END outer;\n"
    "  IF i = 1 THEN UPDATE t5 SET a = 5;\n  ELSIF i = 2 THEN UPDATE t6 SET a = 6;\n"
    "  ELSIF i = 3 THEN IF true THEN UPDATE t7 SET a = 7; ELSE UPDATE t8 SET a = 8; END IF;\n"
    "  ELSE UPDATE t9 SET a = 9;\n  END IF;\n"
    "  CASE i WHEN 1 THEN UPDATE t10 SET a = 10; WHEN 2, 3 THEN UPDATE t11 SET a = 11;\n"
    "  ELSE UPDATE t12 SET a = 12; END CASE;\n"
    "  CASE WHEN i > 0 THEN UPDATE t13 SET a = 13; END CASE;\n"
    "  LOOP UPDATE t14 SET a = 14; EXIT; END LOOP;\n"
    "  WHILE i < 3 LOOP UPDATE t15 SET a = 15; i := i + 1; END LOOP;\n"
    "  FOR j IN REVERSE 10..1 BY 2 LOOP UPDATE t16 SET a = j; END LOOP;\n"
    "  FOR r IN SELECT * FROM t LOOP UPDATE t17 SET a = 17; END LOOP;\n"
    "  FOREACH i IN ARRAY a LOOP UPDATE t18 SET a = 18; END LOOP;\n"
    "  FOR r IN EXECUTE 'SELECT 1' LOOP UPDATE t19 SET a = 19; END LOOP;\n"
    "  SELECT 1 INTO i; SELECT * INTO STRICT r FROM t WHERE false;\n"
    "  INSERT INTO t20 VALUES (1)\n    RETURNING a\n    INTO i;\n"
    "  GET DIAGNOSTICS i = ROW_COUNT;\n"
    "  ASSERT true, 'x'; RAISE NOTICE '%', i; PERFORM pg_sleep(0); NULL;\n"
    "  COMMIT; ROLLBACK; CALL p(); EXECUTE 'x' USING i;\nEND $$",
    // Parameters and the function's name are names in the body: an assignment to one is not a
    // statement, and a qualified function name labels the outer block with its first part.
    "CREATE OR REPLACE FUNCTION s.f(a int, int, INOUT b text, OUT c int) RETURNS record "
    "LANGUAGE plpgsql AS $$\nBEGIN\n  a := 1; s.b := 'x'; c := 3;\n"
    "  UPDATE t SET x = a WHERE y = b;\nEND $$",
    "CREATE FUNCTION f(n int) RETURNS SETOF int LANGUAGE plpgsql AS $$ BEGIN\n"
    "  RETURN NEXT 1; RETURN QUERY SELECT 2; RETURN QUERY EXECUTE 'SELECT 3';\n"
    "  INSERT INTO log VALUES (n); RETURN;\nEND $$",
    "CREATE FUNCTION f() RETURNS TABLE (a int) LANGUAGE plpgsql AS 'BEGIN DELETE FROM t; END'",
    "CREATE FUNCTION f() RETURNS pg_catalog.trigger LANGUAGE plpgsql AS $$ BEGIN\n"
    "  NEW.a := OLD.a; UPDATE t SET a = NEW.a; RETURN NEW; END $$",
    "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET a = 1; COMMIT; END $$",
    "CREATE FUNCTION f() RETURNS void AS $$ BEGIN UPDATE t SET a = 1; END $$",  // no LANGUAGE
    "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'obj', 'BEGIN UPDATE t SET a = 1; END'",
    "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ UPDATE t SET a = 1 $$",
    // libpg_query compares the language case-sensitively: it compiles nothing here.
    "CREATE FUNCTION f() RETURNS void LANGUAGE 'PLpgSQL' AS $$ BEGIN UPDATE t SET a = 1; END $$",
    "DO LANGUAGE plpgsql $$ BEGIN UPDATE t SET a = 1; END $$",
    "DO $$ BEGIN UPDATE t SET a = 1; END $$ LANGUAGE plperl",
    "DO E'BEGIN\\n  UPDATE t SET a = ''x'';\\nEND'",
    "DO $$\n#option dump\n#variable_conflict use_column\nBEGIN UPDATE t SET a = 1; END $$",
    "DO $$ DECLARE x int := (SELECT 1); BEGIN UPDATE t SET a = x; END $$",
    "DO $$ BEGIN UPDATE t SET a = 1 -- ; not the end\n  ; /* ; */ DELETE\nFROM t; END $$",
    "DO $$ BEGIN EXECUTE 'UPDATE t SET a = 1'; END $$",
    "DO $$ BEGIN END $$",
    // Names longer than PostgreSQL's 63 bytes are cut at a character's boundary.
    "DO $$ DECLARE ééééééééééééééééééééééééééééééééééééééé int; BEGIN\n"
    "  SELECT 1 INTO ééééééééééééééééééééééééééééééééééééééé; UPDATE t SET a = 1; END $$",
    "DO $$ BEGIN RAISE NOTICE E'\\xc3'; UPDATE t SET a = 1; END $$",
    // Errors: each with the message libpg_query gives.
    "DO $$ BEGIN SELEC 1; END $$",
    "DO $$ BEGIN UPDATE t SET a = 1 END $$",
    "DO $$ BEGIN SELECT 1 INTO nope; END $$",
    "DO $$ BEGIN RETURN 1; END $$",
    "DO $$ DECLARE x int; x int; BEGIN END $$",
    "DO $$ BEGIN IF true THEN UPDATE t SET a = 1; END $$",
    "CREATE FUNCTION f() RETURNS SETOF int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN NEW.a := 1; END $$",
    "CREATE FUNCTION f(a int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN f.a := 1; g.a := 2; END $$",
    // Types are not looked up: a cursor is not a cursor to libpg_query.
    "DO $$ DECLARE c CURSOR FOR SELECT 1; BEGIN OPEN c; END $$",
};

TEST(Plpgsql, FindsWhatLibpgQueryFindsInBodiesWrittenHere) {
  Counts counts;
  for (const char* body : kBodies) EXPECT_TRUE(CompareRoutes(body, body, counts)) << body;
  EXPECT_EQ(counts.bodies, static_cast<int>(std::size(kBodies)));
  EXPECT_GE(counts.errors, 9);
  EXPECT_LT(counts.errors, counts.bodies - 20);

  const Found simple = DirectOf(kBodies[1]);
  ASSERT_EQ(simple.statements.size(), 6u);
  EXPECT_EQ(simple.statements[0], (std::pair<std::string, int>("UPDATE t SET a = 'q\"\\'", 5)));
  EXPECT_EQ(simple.statements[3].first, "ALTER TABLE t ADD COLUMN \"é😀\" int");
  EXPECT_EQ(simple.statements[5].first, "DROP INDEX i");

  // Numbered tables in the order of the text: that is the printer's order too.
  const Found nested = DirectOf(kBodies[4]);
  std::vector<std::string> tables;
  for (const auto& [sql, line] : nested.statements) {
    if (sql.rfind("UPDATE t", 0) == 0) tables.push_back(sql.substr(7, sql.find(' ', 7) - 7));
  }
  std::vector<std::string> numbered;
  for (int i = 1; i <= 19; ++i) numbered.push_back("t" + std::to_string(i));
  EXPECT_EQ(tables, numbered);

  EXPECT_EQ(DirectOf("DO $$ BEGIN SELEC 1; END $$").error, "syntax error at or near \"SELEC\"");
  EXPECT_TRUE(DirectOf(kBodies[12]).statements.empty());  // LANGUAGE sql
  EXPECT_TRUE(DirectOf(kBodies[13]).statements.empty());  // LANGUAGE 'PLpgSQL'
}

TEST(Plpgsql, FindsWhatLibpgQueryFindsInFixturesAndExamples) {
  Counts counts;
  for (const char* folder : {"tests/fixtures", "migrations-examples"}) {
    const Counts in = CompareStatementsIn(std::filesystem::path(PGSHIFT_SOURCE_DIR) / folder);
    counts.bodies += in.bodies, counts.errors += in.errors, counts.statements += in.statements;
  }
  EXPECT_GT(counts.bodies, 20);
  EXPECT_GT(counts.statements, 10);
  std::cout << counts.bodies << " bodies compared (" << counts.errors << " with an error), "
            << counts.statements << " statements found in them\n";
}

TEST(Plpgsql, FindsWhatLibpgQueryFindsInACorpusWhenGiven) {
  const char* corpus = std::getenv("PGSHIFT_CORPUS");
  if (corpus == nullptr || !std::filesystem::is_directory(corpus)) {
    GTEST_SKIP() << "set PGSHIFT_CORPUS to a folder of migrations to compare them too";
  }
  const Counts counts = CompareStatementsIn(corpus);
  EXPECT_GT(counts.bodies, 0);
  std::cout << counts.bodies << " bodies compared (" << counts.errors << " with an error), "
            << counts.statements << " statements found in them\n";
}

// PostgreSQL's PL/pgSQL compiler keeps its state per thread: threads compiling at once each get
// their own statements.
TEST(Plpgsql, ThreadsCompilingAtOnceGetTheirOwnStatements) {
  const std::vector<std::string> bodies = {kBodies[1], kBodies[4], kBodies[5],
                                           "DO $$ BEGIN SELEC 1; END $$"};
  std::vector<StatementParse> parses;
  std::vector<Found> expected;
  for (const std::string& sql : bodies) {
    parses.push_back(ParseStatementText(sql));
    expected.push_back(Reference(sql));
  }
  std::vector<int> mismatches(bodies.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < bodies.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        if (Direct(*parses[t].node) != expected[t]) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t t = 0; t < bodies.size(); ++t) EXPECT_EQ(mismatches[t], 0) << bodies[t];
}

}  // namespace
}  // namespace pgshift::parser
