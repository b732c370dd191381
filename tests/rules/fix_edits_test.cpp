#include "rules/fix_edits.h"

#include <gtest/gtest.h>

#include <string>

#include "parser/parsed_file.h"

namespace pgshift::rules {
namespace {

// The text with the edit applied, for a file of one statement.
std::string Applied(const std::string& sql, PgQuery__Token kind) {
  const parser::ParsedFile file = parser::ParseSql(sql);
  EXPECT_EQ(file.statements.size(), 1u);
  if (file.statements.empty()) return "";
  const std::optional<Edit> edit = InsertAfterToken(file.statements[0], kind, "CONCURRENTLY");
  if (!edit) return "<none>";
  std::string out = sql;
  out.replace(edit->span.begin, edit->span.size(), edit->replacement);
  return out;
}

TEST(FixEdits, InsertAfterTokenFindsTheKeywordEarlyOrLate) {
  EXPECT_EQ(Applied("CREATE INDEX i ON t (a)", PG_QUERY__TOKEN__INDEX),
            "CREATE INDEX CONCURRENTLY i ON t (a)");
  // Past the first bytes scanned: the rest of the statement is read.
  const std::string comment = "/* " + std::string(200, 'x') + " */";
  EXPECT_EQ(Applied("CREATE " + comment + " INDEX i ON t (a)", PG_QUERY__TOKEN__INDEX),
            "CREATE " + comment + " INDEX CONCURRENTLY i ON t (a)");
  EXPECT_EQ(Applied("CREATE INDEX i ON t (a)", PG_QUERY__TOKEN__TABLE), "<none>");
}

TEST(FixEdits, InsertAfterTokenIsNotFooledByTextCutInsideALiteralOrName) {
  // A keyword inside a string or a quoted name that runs past the first bytes read, and a name
  // that starts like the keyword where a short read would cut it.
  const std::string quoted = "SELECT 1 AS \"" + std::string(45, ' ') + "index y\" FROM t";
  EXPECT_EQ(Applied(quoted, PG_QUERY__TOKEN__INDEX), "<none>");
  const std::string table = "SELECT 'x" + std::string(50, ' ') + "index' AS a, 1 AS b FROM t";
  EXPECT_EQ(Applied(table, PG_QUERY__TOKEN__INDEX), "<none>");
  const std::string cut = "ALTER TABLE t" + std::string(42, ' ') + "ADD indexed int";
  ASSERT_GT(cut.size(), 64u);
  EXPECT_EQ(Applied(cut, PG_QUERY__TOKEN__INDEX), "<none>");
}

}  // namespace
}  // namespace pgshift::rules
