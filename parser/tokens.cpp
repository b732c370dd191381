#include "parser/tokens.h"

#include <algorithm>
#include <array>
#include <string>

#include "parser/raw_scan.h"

namespace pgshift::parser {
namespace {

std::optional<std::vector<Token>> Scan(const std::string& text) {
  std::optional<std::vector<Token>> tokens(std::in_place);
  const bool read = ForEachScanToken(text, [&](const PgshiftScanToken& t) {
    if (t.token == PG_QUERY__TOKEN__SQL_COMMENT || t.token == PG_QUERY__TOKEN__C_COMMENT) return;
    tokens->push_back({static_cast<std::size_t>(t.start), static_cast<std::size_t>(t.end),
                       static_cast<PgQuery__Token>(t.token)});
  });
  if (!read) tokens.reset();
  return tokens;
}

// The last texts scanned on this thread and their tokens. Several rules and the report place
// edits and spans in the same statement, and every call into the scanner costs tens of thousands
// of instructions however short the text: a repeated text is answered from here. Only texts up to
// kLongest bytes are kept, so that the memory stays small.
struct Memo {
  static constexpr std::size_t kEntries = 8;
  static constexpr std::size_t kLongest = 64 << 10;
  struct Entry {
    std::string text;
    std::optional<std::vector<Token>> tokens;
  };
  std::array<Entry, kEntries> entries;
  std::size_t next = 0;  // the entry to replace next
  std::size_t used = 0;
};

}  // namespace

std::optional<std::vector<Token>> ScanTokens(std::string_view sql) {
  thread_local Memo memo;
  for (std::size_t i = 0; i < memo.used; ++i) {
    if (memo.entries[i].text == sql) return memo.entries[i].tokens;
  }
  std::string text(sql);  // the scanner wants a NUL-terminated string
  std::optional<std::vector<Token>> tokens = Scan(text);
  if (sql.size() <= Memo::kLongest) {
    Memo::Entry& entry = memo.entries[memo.next];
    entry.text = std::move(text);
    entry.tokens = tokens;
    memo.next = (memo.next + 1) % Memo::kEntries;
    memo.used = std::max(memo.used, memo.next == 0 ? Memo::kEntries : memo.next);
  }
  return tokens;
}

std::optional<std::vector<Token>> ScanTokensFrom(std::string_view sql, std::size_t begin) {
  // From a token's start on, the scanner reads the rest as it reads it alone: it starts afresh
  // after each token. Anywhere else (inside a token or a comment) the rest is scanned alone.
  const std::optional<std::vector<Token>> all = ScanTokens(sql);
  if (all) {
    const auto first =
        std::lower_bound(all->begin(), all->end(), begin,
                         [](const Token& t, std::size_t at) { return t.begin < at; });
    if (first != all->end() && first->begin == begin) {
      std::vector<Token> rest(first, all->end());
      for (Token& token : rest) token.begin -= begin, token.end -= begin;
      return rest;
    }
  }
  return ScanTokens(sql.substr(std::min(begin, sql.size())));
}

std::string_view ScannablePrefix(std::string_view sql, std::size_t size) {
  std::string_view prefix = sql.substr(0, size);
  for (const char quote : {'"', '\''}) {
    if (std::count(prefix.begin(), prefix.end(), quote) % 2 != 0) {
      prefix = prefix.substr(0, prefix.rfind(quote));
    }
  }
  return prefix;
}

}  // namespace pgshift::parser
