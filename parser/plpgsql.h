// The SQL statements that a PL/pgSQL body writes out, from PostgreSQL's PL/pgSQL compiler.
#pragma once

#include <optional>
#include <string>
#include <vector>

struct PgQuery__Node;

namespace pgshift::parser {

struct PlpgsqlStatement {
  // The statement as PL/pgSQL runs it: the body's text from its first token to the byte before
  // its semicolon, with an INTO clause blanked out (PL/pgSQL keeps the length) or cut off at
  // the end.
  std::string sql;
  int line = 0;  // 1-based line in the body
};

struct PlpgsqlBody {
  std::vector<PlpgsqlStatement> statements;  // in the order they are written
  std::optional<std::string> error;          // the body did not parse
};

// The SQL statements written out (PLpgSQL_stmt_execsql, not EXECUTE of a string) in the body of
// `statement`, a DO or CREATE FUNCTION statement's tree with a body (an AS item) in PL/pgSQL,
// found as libpg_query's pg_query_parse_plpgsql finds them in the statement's text. The one
// difference: that route's JSON could not be read, and so gave an error, where a compiled string
// was not UTF-8; parsed from text that passed ValidateText (parsed_file.h), none is (the scanner
// checks every escape, and names are cut at a character's boundary).
PlpgsqlBody ParsePlpgsqlBody(const PgQuery__Node& statement);

}  // namespace pgshift::parser
