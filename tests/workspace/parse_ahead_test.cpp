// Parsing ahead of the thread that checks a history in order: the items it takes are the ones it
// would have made, in its order, within the window and the budget; a parse made ahead is the parse
// made there and then; and linting with it finds exactly what linting without it does.
#include "workspace/parse_ahead.h"

#include <gtest/gtest.h>
#include <pg_query/pg_query.pb-c.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "parser/parsed_texts.h"
#include "rules/finding.h"
#include "workspace/section_lint.h"

namespace pgshift::workspace {
namespace {

using project::Direction;
using project::FileRun;

// An item that says which index it was made for, and how often that index was made.
struct Made {
  std::size_t index;
};

class Counting {
 public:
  explicit Counting(std::size_t count) : calls_(count) {}
  std::shared_ptr<Made> operator()(std::size_t i) {
    ++calls_[i];
    return std::make_shared<Made>(Made{i});
  }
  int calls(std::size_t i) const { return calls_[i]; }

 private:
  std::vector<std::atomic<int>> calls_;
};

TEST(ParseAhead, HelpersMakeAWindowAheadAndTheTakerGetsEachItemInOrder) {
  Counting counting(10);
  ParseAhead<Made> ahead(
      10, [&](std::size_t i) { return counting(i); }, [](const Made&) { return std::size_t{1}; },
      AheadLimits{.items = 3, .bytes = 100});
  EXPECT_TRUE(ahead.Help());
  EXPECT_TRUE(ahead.Help());
  EXPECT_TRUE(ahead.Help());
  EXPECT_FALSE(ahead.Help()) << "the window holds three items";
  EXPECT_EQ(ahead.held(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const std::shared_ptr<Made> item = ahead.Take(i);
    ASSERT_NE(item, nullptr) << i;
    EXPECT_EQ(item->index, i);
  }
  EXPECT_EQ(ahead.held(), 0u);
  // Item 3 was never made: the taker makes it itself, and no helper makes it after.
  EXPECT_EQ(ahead.Take(3), nullptr);
  EXPECT_TRUE(ahead.Help());
  const std::shared_ptr<Made> four = ahead.Take(4);
  ASSERT_NE(four, nullptr);
  EXPECT_EQ(four->index, 4u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_LE(counting.calls(i), i == 3 ? 0 : 1) << i;
}

TEST(ParseAhead, TheBudgetStopsHelpersAndTakingFreesIt) {
  Counting counting(10);
  ParseAhead<Made> ahead(
      10, [&](std::size_t i) { return counting(i); }, [](const Made&) { return std::size_t{10}; },
      AheadLimits{.items = 8, .bytes = 25});
  EXPECT_TRUE(ahead.Help());   // 0: held 10
  EXPECT_TRUE(ahead.Help());   // 1: held 20
  EXPECT_TRUE(ahead.Help());   // 2: held 30, over the budget
  EXPECT_FALSE(ahead.Help());  // no more until something is taken
  EXPECT_EQ(ahead.held(), 30u);
  // Taking item 1 drops item 0, skipped by the taker.
  ASSERT_NE(ahead.Take(1), nullptr);
  EXPECT_EQ(ahead.held(), 10u);
  EXPECT_TRUE(ahead.Help());
  EXPECT_EQ(ahead.held(), 20u);
  ahead.Close();
  EXPECT_EQ(ahead.held(), 0u);
  EXPECT_FALSE(ahead.Help()) << "nothing is made once the taker is done";
}

TEST(ParseAhead, AnItemLeftToTheTakerOrFailingIsNotAnError) {
  ParseAhead<Made> ahead(
      3,
      [](std::size_t i) -> std::shared_ptr<Made> {
        if (i == 1) throw std::runtime_error("unreadable");
        if (i == 2) return nullptr;
        return std::make_shared<Made>(Made{i});
      },
      [](const Made&) { return std::size_t{1}; });
  EXPECT_TRUE(ahead.Help());
  EXPECT_TRUE(ahead.Help());
  EXPECT_TRUE(ahead.Help());
  EXPECT_FALSE(ahead.Help());
  EXPECT_NE(ahead.Take(0), nullptr);
  EXPECT_EQ(ahead.Take(1), nullptr);
  EXPECT_EQ(ahead.Take(2), nullptr);
}

TEST(ParseAhead, ThreadsHelpingWhileTheTakerTakesEveryItemInOrder) {
  constexpr std::size_t kItems = 1000;
  Counting counting(kItems);
  std::atomic<bool> done{false};
  ParseAhead<Made> ahead(
      kItems, [&](std::size_t i) { return counting(i); },
      [](const Made&) { return std::size_t{1}; }, AheadLimits{.items = 16, .bytes = 1000});
  std::vector<std::thread> helpers;
  for (int t = 0; t < 3; ++t) {
    helpers.emplace_back([&] {
      while (!done) {
        if (!ahead.Help()) std::this_thread::yield();
      }
    });
  }
  std::size_t from_helpers = 0;
  for (std::size_t i = 0; i < kItems; i += (i % 7 == 3 ? 2 : 1)) {  // skipping some
    std::shared_ptr<Made> item = ahead.Take(i);
    if (item != nullptr) {
      ++from_helpers;
    } else {
      item = counting(i);  // made here, as without helpers
    }
    ASSERT_EQ(item->index, i);
    std::this_thread::sleep_for(std::chrono::microseconds(50));  // checking it, in order
  }
  ahead.Close();
  done = true;
  for (std::thread& helper : helpers) helper.join();
  for (std::size_t i = 0; i < kItems; ++i) ASSERT_LE(counting.calls(i), 1) << i;
  EXPECT_EQ(ahead.held(), 0u);
  // Not asserted beyond the items' order: on a busy machine the helpers may get no turn at all.
  std::cout << from_helpers << " of the items taken were made by helpers\n";
}

// A statement's tree as protobuf bytes: equal bytes, equal trees.
std::string Packed(const PgQuery__Node* node) {
  if (node == nullptr) return "(none)";
  std::string bytes(pg_query__node__get_packed_size(node), '\0');
  pg_query__node__pack(node, reinterpret_cast<uint8_t*>(bytes.data()));
  return bytes;
}

void ExpectSameParse(const parser::ParsedFile& a, const parser::ParsedFile& b) {
  ASSERT_EQ(a.statements.size(), b.statements.size());
  for (std::size_t i = 0; i < a.statements.size(); ++i) {
    const parser::Statement& x = a.statements[i];
    const parser::Statement& y = b.statements[i];
    EXPECT_EQ(x.span.begin, y.span.begin) << i;
    EXPECT_EQ(x.span.end, y.span.end) << i;
    EXPECT_EQ(x.text, y.text) << i;
    EXPECT_EQ(x.parent, y.parent) << i;
    EXPECT_EQ(x.error.has_value(), y.error.has_value()) << i;
    if (x.error && y.error) {
      EXPECT_EQ(x.error->message, y.error->message) << i;
      EXPECT_EQ(x.error->offset, y.error->offset) << i;
    }
    EXPECT_EQ(Packed(x.node), Packed(y.node)) << i;
  }
  EXPECT_EQ(a.comments.size(), b.comments.size());
  EXPECT_EQ(a.meta_commands.size(), b.meta_commands.size());
  EXPECT_EQ(a.notes.size(), b.notes.size());
  EXPECT_EQ(a.over_limit.has_value(), b.over_limit.has_value());
}

constexpr const char* kMigration =
    "-- a comment\n"
    "CREATE TABLE t (id bigint PRIMARY KEY, name text);\n"
    "\\set ON_ERROR_STOP on\n"
    "CREATE INDEX CONCURRENTLY t_name ON t (name);\n"
    "DO $$ BEGIN ALTER TABLE t ADD COLUMN x int; END $$;\n"
    "SELECT * FROM (SELECT 1);\n"
    "ALTER TABLE t ADD COLUMN ;\n"
    "UPDATE t SET name = 'x' WHERE id = 1;\n";

TEST(ParsedTexts, AParseFoundIsTheParseOfTheSameTextAndLimits) {
  parser::ParsedTexts parsed;
  std::string text = kMigration;
  parsed.Add(text, {});
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_GT(parsed.bytes(), text.size());
  const parser::ParsedFile* found = parsed.Find(text, {});
  ASSERT_NE(found, nullptr);
  const parser::ParsedFile fresh = parser::ParseSql(text, {});
  ExpectSameParse(*found, fresh);
  ASSERT_TRUE(found->statements.back().error || found->statements.size() > 6);
  // Its statements view its own copy of the text, not the caller's.
  text.assign(text.size(), 'x');
  EXPECT_EQ(found->statements[0].text.substr(0, 6), "CREATE");
  // Anything else is not found: other bytes, other limits.
  EXPECT_EQ(parsed.Find(std::string(kMigration) + " ", {}), nullptr);
  EXPECT_EQ(parsed.Find(kMigration, parser::ParseLimits{std::size_t{1} << 20}), nullptr);
  EXPECT_EQ(parsed.found(), 1u);
  // Added twice, parsed once; text that is not SQL text is left to its caller.
  parsed.Add(kMigration, {});
  parsed.Add(std::string("SELECT 1;\0", 10), {});
  EXPECT_EQ(parsed.size(), 1u);
}

TEST(ParsedTexts, ALimitReachedIsKeptAsParsingThereAndThenWouldReachIt) {
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "INSERT INTO t VALUES (" + std::to_string(i) + ");\n";
  const parser::ParseLimits small{std::size_t{1} << 20};
  parser::ParsedTexts parsed;
  parsed.Add(big, small);
  const parser::ParsedFile* found = parsed.Find(big, small);
  ASSERT_NE(found, nullptr);
  const parser::ParsedFile fresh = parser::ParseSql(big, small);
  ASSERT_TRUE(fresh.over_limit.has_value());
  EXPECT_EQ(found->over_limit->offset, fresh.over_limit->offset);
  ExpectSameParse(*found, fresh);
}

std::vector<std::string> Described(const rules::FileReport& report) {
  std::vector<std::string> out;
  for (const rules::Finding& finding : report.findings) {
    out.push_back(finding.rule + "@" + std::to_string(finding.span.begin) + ": " + finding.message);
  }
  out.insert(out.end(), report.notes.begin(), report.notes.end());
  if (report.unreadable) out.push_back("unreadable: " + *report.unreadable);
  return out;
}

// Every text LintRun parses is among LintRunTexts, and what it finds with them parsed ahead is
// what it finds parsing them itself.
void ExpectLintRunUsesEveryText(const std::string& text, const FileRun& run) {
  const parser::SourceText source("m.sql", text);
  const rules::LintSettings settings;
  parser::ParsedTexts parsed;
  for (std::string& part : LintRunTexts(text, run)) parsed.Add(std::move(part), {});
  ASSERT_GT(parsed.size(), 0u);
  rules::Catalog after_alone, after_ahead;
  const rules::FileReport alone = LintRun(source, run, settings, nullptr, &after_alone);
  const rules::FileReport ahead = LintRun(source, run, settings, nullptr, &after_ahead, &parsed);
  EXPECT_EQ(parsed.found(), parsed.size()) << "a text parsed ahead for nothing";
  EXPECT_EQ(Described(alone), Described(ahead));
  EXPECT_FALSE(Described(alone).empty());
  EXPECT_EQ(alone.statements, ahead.statements);
}

TEST(ParseAhead, LintRunTextsAreTheTextsLintRunParses) {
  const std::string text = std::string("-- migrate:up\n") + kMigration +
                           "-- migrate:down\nDROP INDEX t_name;\nDROP TABLE t;\n";
  const std::size_t down = text.find("-- migrate:down");
  // The whole file up.
  ExpectLintRunUsesEveryText(text, FileRun{{{0, text.size(), Direction::kUp, std::nullopt, ""}}});
  // A down file.
  ExpectLintRunUsesEveryText(text, FileRun{{{0, text.size(), Direction::kDown, std::nullopt, ""}}});
  // Up and down sections.
  ExpectLintRunUsesEveryText(text,
                             FileRun{{{0, down, Direction::kUp, std::nullopt, ""},
                                      {down, text.size(), Direction::kDown, std::nullopt, ""}}});
  // Up sections wrapped differently, each linted on its own.
  const std::size_t middle = text.find("DO $$");
  ExpectLintRunUsesEveryText(
      text, FileRun{{{0, middle, Direction::kUp, rules::TransactionWrapping::kNone, ""},
                     {middle, down, Direction::kUp, rules::TransactionWrapping::kPerFile, ""},
                     {down, text.size(), Direction::kDown, std::nullopt, ""}}});
}

}  // namespace
}  // namespace pgshift::workspace
