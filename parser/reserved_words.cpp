#include "parser/reserved_words.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "parser/raw_scan.h"

namespace pgshift::parser {
namespace {

// The grammar names each keyword's token after the keyword in upper case, with "_P" appended
// where that would clash (PostgreSQL's check_keywords.pl enforces it): "null" is NULL_P. So the
// Token enum yields every keyword, and one scan of them all tells which are reserved, where asking
// the scanner about each name would cost a scan per name.
std::vector<std::string> LoadReservedWords() {
  std::string text;
  for (unsigned i = 0; i < pg_query__token__descriptor.n_values; ++i) {
    std::string word = pg_query__token__descriptor.values[i].name;
    if (word.size() > 2 && word.compare(word.size() - 2, 2, "_P") == 0)
      word.resize(word.size() - 2);
    const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!plain || (word[0] >= '0' && word[0] <= '9')) continue;
    for (char& c : word) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    text += word;
    text += ' ';
  }
  std::vector<std::string> words;
  ForEachScanToken(text, [&](const PgshiftScanToken& token) {
    if (token.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
        token.keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD && token.start >= 0 &&
        token.start <= token.end && static_cast<std::size_t>(token.end) <= text.size()) {
      words.push_back(text.substr(token.start, token.end - token.start));
    }
  });
  std::sort(words.begin(), words.end());
  return words;
}

}  // namespace

bool IsReservedWord(std::string_view word) {
  // Asked for every name a finding shows (QuoteIdentifier): a hash lookup, and none for a name
  // longer than every keyword, where a binary search made it 2% of a lint run.
  static const std::vector<std::string> words = LoadReservedWords();
  static const std::unordered_set<std::string_view> set(words.begin(), words.end());
  static const std::size_t longest = [] {
    std::size_t size = 0;
    for (const std::string& w : words) size = std::max(size, w.size());
    return size;
  }();
  return word.size() <= longest && set.count(word) > 0;
}

}  // namespace pgshift::parser
