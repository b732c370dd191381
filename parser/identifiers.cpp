#include "parser/identifiers.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cctype>

namespace pgshift::parser {

std::vector<WrittenIdentifier> WrittenIdentifiers(std::string_view text) {
  std::vector<WrittenIdentifier> out;
  const std::string sql(text);
  PgQueryScanResult result = pg_query_scan(sql.c_str());
  if (result.error == nullptr) {
    PgQuery__ScanResult* scan = pg_query__scan_result__unpack(
        nullptr, result.pbuf.len, reinterpret_cast<const uint8_t*>(result.pbuf.data));
    for (std::size_t i = 0; scan != nullptr && i < scan->n_tokens; ++i) {
      const PgQuery__ScanToken& token = *scan->tokens[i];
      if (token.token != PG_QUERY__TOKEN__IDENT || token.start < 0 ||
          token.end > static_cast<int>(sql.size())) {
        continue;
      }
      WrittenIdentifier identifier{
          {static_cast<std::size_t>(token.start), static_cast<std::size_t>(token.end)}, {}};
      const std::string_view written = text.substr(identifier.span.begin, identifier.span.size());
      if (!written.empty() && written.front() == '"') {
        for (std::size_t k = 1; k + 1 < written.size(); ++k) {
          identifier.name += written[k];
          if (written[k] == '"') ++k;  // "" stands for one quote
        }
      } else {
        for (const char c : written) {
          identifier.name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      out.push_back(std::move(identifier));
    }
    if (scan != nullptr) pg_query__scan_result__free_unpacked(scan, nullptr);
  }
  pg_query_free_scan_result(result);
  return out;
}

}  // namespace pgshift::parser
