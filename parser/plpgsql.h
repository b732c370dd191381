// The SQL statements that a PL/pgSQL body writes out, from libpg_query's PL/pgSQL parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// the single DO or CREATE FUNCTION statement `statement_sql`, which must be PL/pgSQL.
PlpgsqlBody ParsePlpgsqlBody(std::string_view statement_sql);

}  // namespace pgshift::parser
