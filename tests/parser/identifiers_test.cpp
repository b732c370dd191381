#include "parser/identifiers.h"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/sql_files.h"

namespace pgshift::parser {
namespace {

TEST(WrittenIdentifiers, FoldsAsPostgresDoes) {
  const std::string sql = "CREATE TABLE \"Mixed\"\"Case\" (Abc int, \"x y\" text, select_ int)";
  std::vector<std::string> names;
  for (const WrittenIdentifier& id : WrittenIdentifiers(sql)) {
    names.push_back(id.name);
    EXPECT_LT(id.span.begin, id.span.end);
  }
  // Keywords (CREATE, TABLE, int, text) are not identifiers.
  EXPECT_EQ(names, (std::vector<std::string>{"Mixed\"Case", "abc", "x y", "select_"}));
  EXPECT_EQ(WrittenIdentifiers(sql)[1].span.begin, sql.find("Abc"));
}

// The identifier tokens as protobuf-c unpacks them from pg_query_scan.
std::vector<std::pair<int, int>> UnpackedIdentifierSpans(const std::string& sql) {
  std::vector<std::pair<int, int>> spans;
  PgQueryScanResult result = pg_query_scan(sql.c_str());
  if (result.error == nullptr) {
    PgQuery__ScanResult* scan = pg_query__scan_result__unpack(
        nullptr, result.pbuf.len, reinterpret_cast<const uint8_t*>(result.pbuf.data));
    for (std::size_t i = 0; scan != nullptr && i < scan->n_tokens; ++i) {
      if (scan->tokens[i]->token == PG_QUERY__TOKEN__IDENT) {
        spans.emplace_back(scan->tokens[i]->start, scan->tokens[i]->end);
      }
    }
    if (scan != nullptr) pg_query__scan_result__free_unpacked(scan, nullptr);
  }
  pg_query_free_scan_result(result);
  return spans;
}

TEST(WrittenIdentifiers, ReadsTheSameTokensAsProtobufC) {
  std::size_t identifiers = 0;
  const auto root = std::filesystem::path(PGSHIFT_SOURCE_DIR) / "tests/fixtures";
  for (const testing::SqlFile& file : testing::SqlFilesUnder(root)) {
    const std::string& sql = file.text;
    std::vector<std::pair<int, int>> spans;
    for (const WrittenIdentifier& id : WrittenIdentifiers(sql)) {
      spans.emplace_back(static_cast<int>(id.span.begin), static_cast<int>(id.span.end));
    }
    EXPECT_EQ(spans, UnpackedIdentifierSpans(sql)) << file.path;
    identifiers += spans.size();
  }
  EXPECT_GT(identifiers, 500u);
}

}  // namespace
}  // namespace pgshift::parser
