// Subqueries in FROM without an alias: PostgreSQL accepts `SELECT * FROM (SELECT 1)` from version
// 16, while the version 15 parser pgshift uses rejects it ("subquery in FROM must have an
// alias"). A migration written for 16 must not lose its analysis to that: such a subquery is
// given the name PostgreSQL 16 gives it, and the statement parsed again.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::parser {

// Whether `message` is the version 15 parser's complaint about an unnamed subquery or VALUES
// list in FROM.
bool IsUnnamedSubqueryError(std::string_view message);

struct NamedSubqueryText {
  std::string text;
  // For each byte of `text`, plus one for its end, the byte offset in the original SQL it comes
  // from (the inserted alias maps to the end of the closing parenthesis).
  std::vector<std::size_t> offsets;
};

// `sql` with ` AS unnamed_subquery` after the parenthesised subquery that opens at byte
// `open_paren`; nullopt when no balanced parenthesis opens there.
std::optional<NamedSubqueryText> NameSubqueryAt(std::string_view sql, std::size_t open_paren);

}  // namespace pgshift::parser
