#include "parser/unnamed_subquery.h"

#include "parser/tokens.h"

namespace pgshift::parser {

bool IsUnnamedSubqueryError(std::string_view message) {
  return message == "subquery in FROM must have an alias" ||
         message == "VALUES in FROM must have an alias";
}

std::optional<NamedSubqueryText> NameSubqueryAt(std::string_view sql, std::size_t open_paren) {
  const auto tokens = ScanTokens(sql);
  if (!tokens) return std::nullopt;
  std::size_t depth = 0;
  bool opened = false;
  for (const Token& token : *tokens) {
    if (!opened) {
      if (token.begin != open_paren) continue;
      if (token.kind != PG_QUERY__TOKEN__ASCII_40) return std::nullopt;
      opened = true;
    }
    if (token.kind == PG_QUERY__TOKEN__ASCII_40) ++depth;
    if (token.kind != PG_QUERY__TOKEN__ASCII_41 || --depth != 0) continue;
    // PostgreSQL 16 names such a subquery "unnamed_subquery" too.
    static constexpr std::string_view kAlias = " AS unnamed_subquery";
    NamedSubqueryText named;
    named.text.reserve(sql.size() + kAlias.size());
    named.text.append(sql.substr(0, token.end)).append(kAlias).append(sql.substr(token.end));
    named.offsets.reserve(named.text.size() + 1);
    for (std::size_t i = 0; i < token.end; ++i) named.offsets.push_back(i);
    for (std::size_t i = 0; i < kAlias.size(); ++i) named.offsets.push_back(token.end);
    for (std::size_t i = token.end; i <= sql.size(); ++i) named.offsets.push_back(i);
    return named;
  }
  return std::nullopt;
}

}  // namespace pgshift::parser
