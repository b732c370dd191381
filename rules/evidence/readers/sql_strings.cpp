// SQL in application code: string literals (and heredocs, template strings, concatenations)
// that hold a data statement, .sql files that are not migrations (sqlc queries, views), and a
// table's name handed to a query builder (knex("users"), db.Table("users"), .from("users")) or,
// as an SQL string, to an SQL function (create_partition('users', ...)).
#include <algorithm>
#include <array>

#include "rules/evidence/code_scan.h"
#include "rules/evidence/naming.h"
#include "rules/evidence/reader.h"
#include "rules/evidence/sql_names.h"

namespace pgshift::rules::evidence {
namespace {

bool Accepts(const CodeText& code) {
  return code.language != Language::kOther && code.language != Language::kTemplate &&
         code.language != Language::kPrisma;
}

// A quick test before scanning a string as SQL: it holds a word that starts a data statement.
bool MayBeSql(std::string_view text) {
  static constexpr std::array<std::string_view, 8> kWords{"select", "insert", "update",   "delete",
                                                          "from",   "join",   "truncate", "merge"};
  const std::string lower = Lower(text.substr(0, 4096));
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view w) { return HasWord(lower, w); });
}

// Functions and options that take a table's name: query builders (knex, Kysely, Drizzle,
// supabase-js, gorm, Exposed, SQLAlchemy's table()).
bool TakesTable(const StringLiteral& literal) {
  static constexpr std::array<std::string_view, 20> kCalls{
      "knex",       "from",       "table",       "Table",      "into",
      "join",       "leftJoin",   "rightJoin",   "innerJoin",  "fullOuterJoin",
      "selectFrom", "insertInto", "updateTable", "deleteFrom", "mergeInto",
      "truncate",   "Truncate",   "pgTable",     "withTable",  "tableName"};
  static constexpr std::array<std::string_view, 7> kKeys{
      "table", "tableName", "table_name", "db_table", "__tablename__", "tablename", "TableName"};
  return std::find(kCalls.begin(), kCalls.end(), literal.callee) != kCalls.end() ||
         std::find(kKeys.begin(), kKeys.end(), literal.key) != kKeys.end();
}

std::string Unqualified(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  return std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

void AddSql(std::string_view sql, int first_line, FileEvidence& out) {
  for (SqlName& name : SqlNames(sql)) {
    Use use;
    use.kind = name.as_string      ? UseKind::kTableString
               : name.column.empty() ? UseKind::kSqlTable
                                     : UseKind::kSqlColumn;
    use.line = first_line + name.line;
    use.how = name.as_string        ? "SQL gives '" + name.table + "' as a string (dynamic SQL over it)"
              : name.column.empty() ? "SQL names " + name.table
                                    : "SQL names " + name.table + " and " + name.column;
    use.table = std::move(name.table);
    use.column = std::move(name.column);
    out.uses.push_back(std::move(use));
  }
}

void Read(const CodeText& code, FileEvidence& out) {
  if (code.language == Language::kSql) {
    AddSql(code.code, 1, out);
    return;
  }
  for (const StringLiteral& literal : code.strings) {
    if (MayBeSql(literal.text)) AddSql(literal.text, literal.line, out);
    if (TakesTable(literal) && IsPlainName(literal.text)) {
      const std::string via = literal.callee.empty() ? literal.key + ":" : literal.callee + "(...)";
      out.uses.push_back({Unqualified(literal.text), "", UseKind::kTableString, literal.line,
                          "\"" + literal.text + "\" given to " + via});
    }
  }
}

constexpr EvidenceReader kReader{
    .name = "sql-strings",
    .what =
        "SQL in string literals, heredocs and template strings of any language, .sql files "
        "that are not migrations, a table's name given to a query builder "
        "(knex(\"users\"), db.Table(\"users\"), .from(\"users\"), table: \"users\"), and "
        "an SQL string literal that is a table's name (create_partition('users', ...))",
    .accepts = Accepts,
    .read = Read,
};

}  // namespace
PGSHIFT_REGISTER_EVIDENCE_READER(kReader);
}  // namespace pgshift::rules::evidence
