// The table of reserved words must answer as the scanner does, word by word.
#include "parser/reserved_words.h"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cctype>
#include <string>
#include <vector>

namespace pgshift::parser {
namespace {

// The scanner's own answer for one word: a single token of a keyword kind other than unreserved.
bool ScannerSaysReserved(const std::string& word) {
  bool reserved = false;
  PgQueryScanResult result = pg_query_scan(word.c_str());
  if (result.error == nullptr) {
    PgQuery__ScanResult* scan = pg_query__scan_result__unpack(
        nullptr, result.pbuf.len, reinterpret_cast<const uint8_t*>(result.pbuf.data));
    if (scan != nullptr && scan->n_tokens == 1) {
      const PgQuery__KeywordKind kind = scan->tokens[0]->keyword_kind;
      reserved = kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                 kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD;
    }
    if (scan != nullptr) pg_query__scan_result__free_unpacked(scan, nullptr);
  }
  pg_query_free_scan_result(result);
  return reserved;
}

TEST(ReservedWords, AgreeWithTheScanner) {
  std::vector<std::string> words = {"users",   "name",     "select_", "id",
                                    "x",       "user_id",  "data",    std::string(70, 'a'),
                                    "selectx", "nulls_la", "ascii_40"};
  // Every token name, as it is and without a "_P" suffix, lower-cased.
  for (unsigned i = 0; i < pg_query__token__descriptor.n_values; ++i) {
    std::string name = pg_query__token__descriptor.values[i].name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    words.push_back(name);
    if (name.size() > 2 && name.compare(name.size() - 2, 2, "_p") == 0) {
      words.push_back(name.substr(0, name.size() - 2));
    }
  }
  std::size_t reserved = 0;
  for (const std::string& word : words) {
    EXPECT_EQ(IsReservedWord(word), ScannerSaysReserved(word)) << word;
    reserved += IsReservedWord(word) ? 1 : 0;
  }
  EXPECT_GT(reserved, 100u);  // PostgreSQL has well over a hundred
  for (const char* word : {"select", "user", "between", "null", "true", "int", "table", "from"}) {
    EXPECT_TRUE(IsReservedWord(word)) << word;
  }
  for (const char* word : {"name", "users", "abort", "data", ""}) {
    EXPECT_FALSE(IsReservedWord(word)) << word;
  }
}

}  // namespace
}  // namespace pgshift::parser
