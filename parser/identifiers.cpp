#include "parser/identifiers.h"

#include <pg_query/pg_query.pb-c.h>

#include <array>
#include <cctype>

#include "parser/raw_scan.h"
#include "parser/reserved_words.h"

namespace pgshift::parser {

std::vector<WrittenIdentifier> WrittenIdentifiers(std::string_view text) {
  std::vector<WrittenIdentifier> out;
  const std::string sql(text);
  std::vector<PgshiftScanToken> tokens;
  if (ForEachScanToken(sql, [&](const PgshiftScanToken& t) { tokens.push_back(t); })) {
    for (const PgshiftScanToken& token : tokens) {
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
  }
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  // Lower case letters, digits and '_' go bare (a table: this is asked for every name a finding
  // shows).
  static constexpr std::array<bool, 256> kBare = [] {
    std::array<bool, 256> bare{};
    for (int c = 'a'; c <= 'z'; ++c) bare[c] = true;
    for (int c = '0'; c <= '9'; ++c) bare[c] = true;
    bare['_'] = true;
    return bare;
  }();
  bool bare = !name.empty() && !(name.front() >= '0' && name.front() <= '9');
  for (std::size_t i = 0; bare && i < name.size(); ++i) {
    bare = kBare[static_cast<unsigned char>(name[i])];
  }
  if (bare && !IsReservedWord(name)) return std::string(name);
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace pgshift::parser
