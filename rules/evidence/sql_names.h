// The tables and columns a piece of SQL in application code names, as the database sees them:
// unquoted names folded to lower case, quoted ones as written. A lexical reading, so that
// fragments and templates count too ("SELECT id FROM users WHERE " + filter, `... ${id}`,
// "... = :name"), where a parser would give up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgshift::rules::evidence {

struct SqlName {
  std::string table;   // unqualified
  std::string column;  // empty: the table itself
  int line = 0;        // 0-based, within the text scanned
  // The table's name was a string literal of the statement ('app.users' given to a function
  // that runs SQL over it, such as a partition helper), not a reference.
  bool as_string = false;
};

// The names each data statement of `sql` uses (SELECT, INSERT, UPDATE, DELETE, MERGE, WITH,
// TRUNCATE, COPY, and fragments that start at FROM or JOIN). A column written with its table
// or alias (u.legacy_flag) belongs to that table; one written alone to every table of its
// statement. A string literal whose whole content is a name ('users', 'app.users') names that
// table: dynamic SQL over it. DDL (CREATE, ALTER, DROP, ...) is no use and is left out, so a
// schema dump names nothing.
std::vector<SqlName> SqlNames(std::string_view sql);

}  // namespace pgshift::rules::evidence
