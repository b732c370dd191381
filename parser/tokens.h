// The PostgreSQL scanner's tokens of a statement, with byte positions: where a keyword or a comma
// really is, as the server reads it (strings, quoted names and comments are never mistaken for
// one). Used to place machine-applicable edits.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <optional>
#include <string_view>
#include <vector>

namespace pgshift::parser {

struct Token {
  std::size_t begin = 0;  // byte offsets in the scanned text
  std::size_t end = 0;
  PgQuery__Token kind = PG_QUERY__TOKEN__NUL;
};

// The tokens of `sql`, comments left out; nullopt when the scanner rejects the text.
std::optional<std::vector<Token>> ScanTokens(std::string_view sql);

// ScanTokens(sql.substr(begin)), positions from `begin`, taken from the tokens of all of `sql`
// (which the memo may hold already) when a token starts at `begin`.
std::optional<std::vector<Token>> ScanTokensFrom(std::string_view sql, std::size_t begin);

// The first `size` bytes of `sql`, cut back before the last quote when the quotes there do not
// pair: a quoted name or string cut in two would fail the scan of a prefix, which callers scan
// to read a statement's first tokens without scanning all of it.
std::string_view ScannablePrefix(std::string_view sql, std::size_t size);

}  // namespace pgshift::parser
