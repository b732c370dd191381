// The written form of names in plans, reviews and the ledger, and identifiers quoted for SQL.
#include <gtest/gtest.h>

#include "parser/identifiers.h"
#include "runner/database.h"
#include "runner/plan_review.h"

namespace pgshift::runner {
namespace {

using Parts = std::vector<std::string>;

TEST(NameParts, SplitsOnDotsOutsideDoubleQuotes) {
  EXPECT_EQ(NameParts("users"), Parts{"users"});
  EXPECT_EQ(NameParts("app.Users"), (Parts{"app", "Users"}));
  EXPECT_EQ(NameParts("Sales Dept.Order Items"), (Parts{"Sales Dept", "Order Items"}));
  EXPECT_EQ(NameParts("\"odd.name\""), Parts{"odd.name"});
  EXPECT_EQ(NameParts("app.\"say \"\"hi\"\".\""), (Parts{"app", "say \"hi\"."}));
  // A quote inside a bare part is part of the name.
  EXPECT_EQ(NameParts("it\"s"), Parts{"it\"s"});
}

TEST(NameText, RoundTripsThroughNameParts) {
  for (const auto& [schema, name] :
       std::vector<std::pair<std::string, std::string>>{{"", "users"},
                                                        {"app", "Users"},
                                                        {"", "odd.name"},
                                                        {"s.x", "say \"hi\""},
                                                        {"", "\""},
                                                        {"Sales Dept", "Order Items"}}) {
    const std::string text = NameText(schema, name);
    const Parts expected = schema.empty() ? Parts{name} : Parts{schema, name};
    EXPECT_EQ(NameParts(text), expected) << text;
  }
  EXPECT_EQ(NameText("app", "users"), "app.users");
  EXPECT_EQ(NameText("", "odd.name"), "\"odd.name\"");
}

TEST(QuotedName, QuotesEveryPart) {
  EXPECT_EQ(QuotedName("app.users"), "\"app\".\"users\"");
  EXPECT_EQ(QuotedName("x; DROP TABLE y; --"), "\"x; DROP TABLE y; --\"");
  EXPECT_EQ(QuotedName("a\" b"), "\"a\"\" b\"");
}

TEST(QuoteIdentifier, QuotesAsQuoteIdentDoes) {
  EXPECT_EQ(parser::QuoteIdentifier("users"), "users");
  EXPECT_EQ(parser::QuoteIdentifier("name"), "name");  // an unreserved keyword
  EXPECT_EQ(parser::QuoteIdentifier("user"), "\"user\"");
  EXPECT_EQ(parser::QuoteIdentifier("select"), "\"select\"");
  EXPECT_EQ(parser::QuoteIdentifier("between"), "\"between\"");  // a column-name keyword
  EXPECT_EQ(parser::QuoteIdentifier("Users"), "\"Users\"");
  EXPECT_EQ(parser::QuoteIdentifier("1abc"), "\"1abc\"");
  EXPECT_EQ(parser::QuoteIdentifier("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(parser::QuoteIdentifier(""), "\"\"");
}

TEST(PlanReview, NamesTablesAndIndexesInTheWrittenForm) {
  auto parsed = ParsePlan(R"toml(
id = "odd"
[[stage]]
id = "a"
phase = "expand"
sql = ['CREATE INDEX CONCURRENTLY "Odd ""Idx""" ON "Sales Dept"."Order.Items" (x)',
       'DROP INDEX CONCURRENTLY IF EXISTS "Sales Dept"."Old.Idx"']
rollback = 'DROP INDEX CONCURRENTLY "Sales Dept"."Odd ""Idx"""'
[[stage]]
id = "b"
phase = "backfill"
backfill = { table = '"Sales Dept"."Order.Items"', set = "x = 1" }
rollback = []
)toml",
                          "odd.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed));
  const PlanReview review = ReviewPlan(std::get<Plan>(parsed), {});
  ASSERT_TRUE(review.errors.empty()) << review.errors.front();
  EXPECT_EQ(review.stages[0].sql[0].concurrent_index, "Sales Dept.\"Odd \"\"Idx\"\"\"");
  EXPECT_EQ(review.stages[0].sql[1].dropped_index, "Sales Dept.\"Old.Idx\"");
  EXPECT_EQ(review.objects.tables, std::vector<std::string>{"Sales Dept.\"Order.Items\""});
  EXPECT_EQ(review.objects.indexes,
            (std::vector<std::string>{"Sales Dept.\"Odd \"\"Idx\"\"\"", "Sales Dept.\"Old.Idx\""}));
}

}  // namespace
}  // namespace pgshift::runner
