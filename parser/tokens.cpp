#include "parser/tokens.h"

#include <pg_query.h>

#include <string>

namespace pgshift::parser {

std::optional<std::vector<Token>> ScanTokens(std::string_view sql) {
  const std::string text(sql);  // the scanner wants a NUL-terminated string
  PgQueryScanResult result = pg_query_scan(text.c_str());
  std::optional<std::vector<Token>> tokens;
  if (result.error == nullptr) {
    auto* scan = pg_query__scan_result__unpack(nullptr, result.pbuf.len,
                                               reinterpret_cast<const uint8_t*>(result.pbuf.data));
    if (scan != nullptr) {
      tokens.emplace();
      for (std::size_t i = 0; i < scan->n_tokens; ++i) {
        const PgQuery__ScanToken& t = *scan->tokens[i];
        if (t.token == PG_QUERY__TOKEN__SQL_COMMENT || t.token == PG_QUERY__TOKEN__C_COMMENT)
          continue;
        tokens->push_back(
            {static_cast<std::size_t>(t.start), static_cast<std::size_t>(t.end), t.token});
      }
      pg_query__scan_result__free_unpacked(scan, nullptr);
    }
  }
  pg_query_free_scan_result(result);
  return tokens;
}

}  // namespace pgshift::parser
