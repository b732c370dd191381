// The scanner called directly (parser/raw_scan.c) must give exactly the tokens libpg_query's
// pg_query_scan gives, as protobuf-c unpacks them.
#include "parser/raw_scan.h"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "parser/tokens.h"
#include "tests/support/sql_files.h"

namespace pgshift::parser {
namespace {

using Fields = std::tuple<int, int, int, int>;  // start, end, token, keyword kind

std::vector<Fields> Unpacked(const PgQueryProtobuf& packed) {
  std::vector<Fields> out;
  PgQuery__ScanResult* scan = pg_query__scan_result__unpack(
      nullptr, packed.len, reinterpret_cast<const uint8_t*>(packed.data));
  EXPECT_NE(scan, nullptr);
  for (std::size_t i = 0; scan != nullptr && i < scan->n_tokens; ++i) {
    const PgQuery__ScanToken& t = *scan->tokens[i];
    out.emplace_back(t.start, t.end, t.token, t.keyword_kind);
  }
  if (scan != nullptr) pg_query__scan_result__free_unpacked(scan, nullptr);
  return out;
}

const std::string kTexts[] = {
    "",
    "SELECT 1",
    "CREATE TABLE \"Mixed\"\"Case\" (id bigint PRIMARY KEY, \"x y\" text DEFAULT 'a''b');",
    "-- a comment\nSELECT /* nested /* comment */ */ a, b FROM t; -- trailing",
    "DO $body$ BEGIN PERFORM 1; END $body$; SELECT $$dollar ' quoted$$, $1::int",
    "SELECT 'héllo wörld', \"ünïcode\", U&'\\0041', E'\\n', B'101', X'ff', 1.5e10, 12345678901",
    "ALTER TABLE a ADD COLUMN b int NOT NULL, ALTER c TYPE text USING c::text; <> >= != ||",
    "CREATE INDEX CONCURRENTLY i ON t ((lower(name))) WHERE deleted_at IS NULL",
    // A text long enough that positions take more than one varint byte.
    "SELECT 1 /* " + std::string(400, 'x') + " */ , 2, 'after'",
};

// The tokens of `text` as pgshift_scan gives them; nullopt when it rejects the text.
std::optional<std::vector<Fields>> Scanned(const std::string& text) {
  std::vector<Fields> out;
  if (!ForEachScanToken(text, [&](const PgshiftScanToken& t) {
        out.emplace_back(t.start, t.end, t.token, t.keyword_kind);
      })) {
    return std::nullopt;
  }
  return out;
}

// The same from libpg_query's pg_query_scan, unpacked by protobuf-c.
std::optional<std::vector<Fields>> FromPgQueryScan(const std::string& text) {
  PgQueryScanResult result = pg_query_scan(text.c_str());
  std::optional<std::vector<Fields>> out;
  if (result.error == nullptr) out = Unpacked(result.pbuf);
  pg_query_free_scan_result(result);
  return out;
}

TEST(RawScan, GivesTheTokensPgQueryScanGives) {
  for (const std::string& text : kTexts) {
    const auto scanned = Scanned(text);
    ASSERT_TRUE(scanned.has_value()) << text;
    EXPECT_EQ(scanned, FromPgQueryScan(text)) << text;
    if (!text.empty()) {
      EXPECT_FALSE(scanned->empty()) << text;
    }
  }
}

// Every file of the fixtures and examples (and of PGSHIFT_CORPUS when set), whole: statements,
// comments, meta-commands and syntax errors alike.
TEST(RawScan, GivesTheTokensPgQueryScanGivesOnFixturesExamplesAndACorpus) {
  std::vector<std::filesystem::path> roots = {
      std::filesystem::path(PGSHIFT_SOURCE_DIR) / "tests/fixtures",
      std::filesystem::path(PGSHIFT_SOURCE_DIR) / "migrations-examples"};
  if (const char* corpus = std::getenv("PGSHIFT_CORPUS")) roots.emplace_back(corpus);
  std::size_t files = 0, rejected = 0;
  for (const auto& root : roots) {
    for (const testing::SqlFile& file : testing::SqlFilesUnder(root)) {
      const auto scanned = Scanned(file.text);
      EXPECT_EQ(scanned, FromPgQueryScan(file.text)) << file.path;
      ++files;
      if (!scanned) ++rejected;
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_LT(rejected, files / 10);
}

TEST(RawScan, RejectsWhatPgQueryScanRejectsAndScansOnAfter) {
  for (const std::string text : {"SELECT 'unterminated", "SELECT $$ unterminated", "SELECT \"open",
                                 "SELECT /* open", "SELECT E'\\"}) {
    EXPECT_FALSE(Scanned(text).has_value()) << text;
    EXPECT_FALSE(FromPgQueryScan(text).has_value()) << text;
  }
  EXPECT_EQ(Scanned("SELECT 1"), FromPgQueryScan("SELECT 1"));
}

// The scanner's state is per call and per thread: threads scanning at once get their own tokens.
TEST(RawScan, ThreadsScanningAtOnceGetTheirOwnTokens) {
  std::vector<std::optional<std::vector<Fields>>> expected;
  for (const std::string& text : kTexts) expected.push_back(FromPgQueryScan(text));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 100; ++round) {
        const std::size_t i = (t + round) % expected.size();
        if (Scanned(kTexts[i]) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const int count : mismatches) EXPECT_EQ(count, 0);
}

TEST(ScanTokens, LeavesOutCommentsAndFailsOnScannerErrors) {
  const std::string text = "SELECT /* c */ 1 -- d\n, 'x'";
  const auto tokens = ScanTokens(text);
  ASSERT_TRUE(tokens.has_value());
  std::vector<std::string> written;
  for (const Token& token : *tokens) {
    written.push_back(text.substr(token.begin, token.end - token.begin));
  }
  EXPECT_EQ(written, (std::vector<std::string>{"SELECT", "1", ",", "'x'"}));
  EXPECT_EQ((*tokens)[2].kind, PG_QUERY__TOKEN__ASCII_44);
  EXPECT_FALSE(ScanTokens("SELECT 'unterminated").has_value());
  EXPECT_FALSE(ScanTokens("SELECT $$ unterminated").has_value());
}

// From any byte, ScanTokensFrom gives what scanning the rest alone gives, whether it answers from
// the whole text's tokens (at a token's start) or scans the rest (inside a comment, a string).
TEST(ScanTokens, FromAnyByteAsTheRestAlone) {
  const std::string text =
      "ALTER TABLE t ADD a int /* x, y) */, ADD b text DEFAULT 'p, q''r', -- z,\n"
      "ADD \"c,d\" int DEFAULT $$ , $$ || E'\\\\', f(1, 2)); SELECT 1";
  ASSERT_TRUE(ScanTokens(text).has_value());
  for (std::size_t begin = 0; begin <= text.size(); ++begin) {
    const auto from = ScanTokensFrom(text, begin);
    const auto alone = ScanTokens(text.substr(begin));
    ASSERT_EQ(from.has_value(), alone.has_value()) << begin;
    if (!from) continue;
    ASSERT_EQ(from->size(), alone->size()) << begin;
    for (std::size_t i = 0; i < from->size(); ++i) {
      EXPECT_EQ((*from)[i].begin, (*alone)[i].begin) << begin;
      EXPECT_EQ((*from)[i].end, (*alone)[i].end) << begin;
      EXPECT_EQ((*from)[i].kind, (*alone)[i].kind) << begin;
    }
  }
  // Inside the comment, the rest alone reads "y)" as tokens the whole text has not.
  const std::size_t inside = text.find("y)");
  const auto rest = ScanTokensFrom(text, inside);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ((*rest)[0].kind, PG_QUERY__TOKEN__IDENT);
  EXPECT_EQ((*rest)[0].begin, 0u);
}

// A prefix cut inside a quoted name or a string ends before its opening quote, so it scans.
TEST(ScanTokens, ScannablePrefixEndsBeforeAQuoteItCuts) {
  const std::string text = "CREATE INDEX \"a_idx\" ON \"T\"(\"column name\") WHERE b = 'x y'";
  EXPECT_EQ(ScannablePrefix(text, 12), "CREATE INDEX");
  EXPECT_EQ(ScannablePrefix(text, 36), "CREATE INDEX \"a_idx\" ON \"T\"(");
  EXPECT_EQ(ScannablePrefix(text, text.size() - 2), text.substr(0, text.find('\'')));
  EXPECT_EQ(ScannablePrefix(text, 1000), text);
  for (std::size_t size = 0; size <= text.size(); ++size) {
    EXPECT_TRUE(ScanTokens(ScannablePrefix(text, size)).has_value()) << size;
  }
}

}  // namespace
}  // namespace pgshift::parser
