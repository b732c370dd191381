// Plans are read and checked completely before anything runs; every error names file, line, key.
#include "runner/plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "runner/plan_render.h"
#include "runner/plan_review.h"
#include "runner/settings.h"

namespace pgshift::runner {
namespace {

const char* kStage = R"(
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE users ADD COLUMN email_address text"
rollback = "ALTER TABLE users DROP COLUMN email_address"
)";

std::vector<std::string> Errors(const std::string& text) {
  auto parsed = ParsePlan(text, "p.toml");
  if (auto* errors = std::get_if<PlanErrors>(&parsed)) return errors->messages;
  return ReviewPlan(std::get<Plan>(parsed), {}).errors;
}

std::string All(const std::vector<std::string>& errors) {
  std::string text;
  for (const std::string& e : errors) text += e + "\n";
  return text;
}

#define EXPECT_ERROR(text, fragment)                                                          \
  do {                                                                                        \
    const std::string all = All(Errors(text));                                                \
    EXPECT_NE(all.find(fragment), std::string::npos) << "expected " << (fragment) << " in:\n" \
                                                     << all;                                  \
  } while (0)

TEST(Plan, ValidPlanParsesWithLinesAndChecksum) {
  auto parsed = ParsePlan(std::string("id = \"p\"\nsummary = \"s\"\n") + kStage, "p.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed)) << All(std::get<PlanErrors>(parsed).messages);
  const Plan& plan = std::get<Plan>(parsed);
  EXPECT_EQ(plan.id, "p");
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].sql[0].line, 7);
  EXPECT_EQ(plan.stages[0].line, 4);
  EXPECT_EQ(plan.checksum.size(), 16u);
  EXPECT_TRUE(ReviewPlan(plan, {}).errors.empty());
}

TEST(Plan, ChecksumFollowsWhatRunsNotComments) {
  const std::string base = std::string("id = \"p\"\n") + kStage;
  const std::string commented = "# a comment\n" + base;
  std::string changed = base;
  changed.replace(changed.find("email_address text"), 18, "email_address varchar");
  auto checksum = [](const std::string& text) {
    return std::get<Plan>(ParsePlan(text, "p.toml")).checksum;
  };
  EXPECT_EQ(checksum(base), checksum(commented));
  EXPECT_NE(checksum(base), checksum(changed));
}

TEST(Plan, StructuralErrorsNameFileLineAndKey) {
  EXPECT_ERROR("id = \"p\"\ncolour = 1\n" + std::string(kStage),
               "p.toml:2:1: unknown key `colour`");
  EXPECT_ERROR("summary = \"x\"\n" + std::string(kStage), "`id` is missing");
  EXPECT_ERROR("id = \"Has Space\"\n" + std::string(kStage), "p.toml:1:6: `id` must be");
  EXPECT_ERROR("id = \"p\"\n", "the plan has no stages");
  EXPECT_ERROR(
      "id = \"p\"\n[[stage]]\nid = \"a\"\nphase = \"later\"\nsql = \"SELECT 1\"\nrollback = []\n",
      "p.toml:4:9: `stage[1].phase` must be expand, backfill, switch or contract");
  EXPECT_ERROR("id = \"p\"\n[[stage]]\nid = \"a\"\nphase = \"expand\"\nsql = \"SELECT 1\"\n",
               "`stage[1].rollback` is missing");
  EXPECT_ERROR("id = \"p\"\n[[stage]]\nid = \"a\"\nphase = \"expand\"\nrollback = []\n",
               "needs `sql`");
  EXPECT_ERROR("id = \"p\"\n[[stage]]\nid = \"a\"\nphase = \"expand\"\nsql = []\nrollback = []\n",
               "`stage[1].sql` is an empty list");
  EXPECT_ERROR(
      "id = \"p\"\n[[stage]]\nid = \"a\"\nphase = \"expand\"\nsql = \"x\"\nrollback = []\nwhen = "
      "1\n",
      "p.toml:7:1: unknown key `stage[1].when`");
  EXPECT_ERROR("id = = \n", "p.toml:1:");  // TOML syntax error, located
}

TEST(Plan, PhasesNeverGoBackwardsAndIdsAreUnique) {
  const std::string text =
      std::string("id = \"p\"\n") +
      "[[stage]]\nid = \"a\"\nphase = \"switch\"\nsql = \"SELECT 1\"\nrollback = []\n" +
      "[[stage]]\nid = \"a\"\nphase = \"expand\"\nsql = \"SELECT 1\"\nrollback = []\n";
  EXPECT_ERROR(text, "p.toml:9:9: `stage[2].phase` is expand after a switch stage");
  EXPECT_ERROR(text, "`stage[2].id` repeats the stage id `a`");
}

TEST(Plan, BackfillKeysAreChecked) {
  const std::string head =
      "id = \"p\"\n[[stage]]\nid = \"b\"\nphase = \"backfill\"\nrollback = []\n";
  EXPECT_ERROR(head + "backfill = { table = \"users\" }\n", "`stage[1].backfill.set` is missing");
  EXPECT_ERROR(head + "backfill = { table = \"t\", set = \"a = 1\", keys = [\"id\"] }\n",
               "unknown key `stage[1].backfill.keys`");
  EXPECT_ERROR(head + "backfill = { table = \"t\", set = \"a = 1\", key = [] }\n",
               "`stage[1].backfill.key` must be a non-empty list");
  EXPECT_ERROR(head + "backfill = { table = \"t\", set = \"a = 1\", batch_size = 0 }\n",
               "`stage[1].backfill.batch_size` must be");
  // A float far out of any integer's range (toml++ would convert it with undefined behaviour).
  EXPECT_ERROR(head + "backfill = { table = \"t\", set = \"a = 1\", batch_size = 1e102 }\n",
               "`stage[1].backfill.batch_size` must be a whole number");
  EXPECT_ERROR(head + "backfill = { table = \"t\", set = \"a = \" }\n",
               "stage `b` backfill: syntax error");
  EXPECT_ERROR(head + "backfill = { table = \"t\", set = \"a = 1 WHERE true; DROP TABLE t\" }\n",
               "`set` must be one SET list");
  EXPECT_ERROR(
      "id = \"p\"\n[[stage]]\nid = \"b\"\nphase = \"expand\"\nrollback = []\n"
      "backfill = { table = \"t\", set = \"a = 1\" }\n",
      "belongs in a stage with phase = \"backfill\"");
}

// Progress events and `pgshift status` name what a backfill did to its rows by its form.
TEST(Plan, ABackfillsRowsAreNamedByWhatItDoes) {
  const std::string head =
      "id = \"p\"\n[[stage]]\nid = \"b\"\nphase = \"backfill\"\nrollback = []\n";
  const auto verb = [&](const std::string& backfill) {
    auto parsed = ParsePlan(head + "backfill = " + backfill + "\n", "p.toml");
    if (!std::holds_alternative<Plan>(parsed)) return std::string("(no plan)");
    return std::string(ChangedRowsVerb(*std::get<Plan>(parsed).stages.at(0).backfill));
  };
  EXPECT_EQ(verb("{ table = \"t\", set = \"a = 1\" }"), "updated");
  EXPECT_EQ(verb("{ table = \"t\", delete = true }"), "deleted");
  EXPECT_EQ(verb("{ table = \"t\", insert_into = \"u (id)\", select = \"id\" }"), "inserted");
}

// `delete = true` makes the backfill a batched DELETE: in place of `set`, never beside it.
TEST(Plan, BatchedDeleteKeysAreChecked) {
  const std::string head =
      "id = \"p\"\n[[stage]]\nid = \"b\"\nphase = \"backfill\"\nrollback = \"irreversible\"\n";
  const auto parsed = ParsePlan(
      head + "backfill = { table = \"t\", delete = true, where = \"at < now()\" }\n", "p.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed)) << All(std::get<PlanErrors>(parsed).messages);
  const BackfillSpec& spec = *std::get<Plan>(parsed).stages.at(0).backfill;
  EXPECT_TRUE(spec.delete_rows);
  EXPECT_EQ(spec.where, "at < now()");
  EXPECT_ERROR(head + "backfill = { table = \"t\", delete = true, set = \"a = 1\" }\n",
               "`stage[1].backfill.delete` and `set` exclude each other");
  EXPECT_ERROR(head + "backfill = { table = \"t\", delete = false }\n",
               "`stage[1].backfill.delete` must be true");
  EXPECT_ERROR(head + "backfill = { table = \"t\", delete = \"yes\" }\n",
               "`stage[1].backfill.delete` must be true");
  EXPECT_ERROR(head + "backfill = { table = \"t\", delete = true, where = \"a = \" }\n",
               "stage `b` backfill: syntax error");
  EXPECT_ERROR(
      head + "backfill = { table = \"t\", delete = true, where = \"true; DROP TABLE t\" }\n",
      "`where` must be one condition");
  // A delete and an update of the same rows are different plans.
  auto checksum = [&](const std::string& backfill) {
    return std::get<Plan>(ParsePlan(head + "backfill = " + backfill + "\n", "p.toml")).checksum;
  };
  EXPECT_NE(checksum("{ table = \"t\", delete = true }"),
            checksum("{ table = \"t\", set = \"\" }"));
}

// `insert_into` and `select` make the backfill a batched copy into another table: both, in place
// of `set` or `delete`, and together one INSERT ... SELECT.
TEST(Plan, BatchedCopyKeysAreChecked) {
  const std::string head =
      "id = \"p\"\n[[stage]]\nid = \"b\"\nphase = \"backfill\"\nrollback = []\n";
  const auto parsed = ParsePlan(head +
                                    "backfill = { table = \"users\", insert_into = \"a (user_id, "
                                    "city)\", select = \"id, city\", where = \"city <> ''\" }\n",
                                "p.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed)) << All(std::get<PlanErrors>(parsed).messages);
  const BackfillSpec& spec = *std::get<Plan>(parsed).stages.at(0).backfill;
  EXPECT_EQ(spec.insert_into, "a (user_id, city)");
  EXPECT_EQ(spec.select, "id, city");
  EXPECT_TRUE(spec.set.empty());
  EXPECT_ERROR(head + "backfill = { table = \"t\", insert_into = \"a (x)\" }\n",
               "`stage[1].backfill.select` is missing");
  EXPECT_ERROR(head + "backfill = { table = \"t\", select = \"x\" }\n",
               "`stage[1].backfill.insert_into` is missing");
  const std::string both = "insert_into = \"a (x)\", select = \"x\", set = \"x = 1\"";
  EXPECT_ERROR(head + "backfill = { table = \"t\", " + both + " }\n",
               "`stage[1].backfill.insert_into` and `set` or `delete` exclude each other");
  EXPECT_ERROR(head + "backfill = { table = \"t\", insert_into = \"a (x\", select = \"x\" }\n",
               "stage `b` backfill: syntax error");
  // The same copy into another table is another plan.
  auto checksum = [&](const std::string& into) {
    return std::get<Plan>(ParsePlan(head + "backfill = { table = \"t\", insert_into = \"" + into +
                                        "\", select = \"x\" }\n",
                                    "p.toml"))
        .checksum;
  };
  EXPECT_NE(checksum("a (x)"), checksum("b (x)"));
}

TEST(Plan, SqlIsParsedAndLintedInItsPhase) {
  const std::string head = "id = \"p\"\n[[stage]]\nid = \"s\"\nphase = \"expand\"\nrollback = []\n";
  EXPECT_ERROR(head + "sql = [\"SELECT 1\", \"SELEC 2\"]\n",
               "p.toml:6: stage `s` sql: syntax error");
  EXPECT_ERROR(head + "sql = \"ALTER TABLE users DROP COLUMN email\"\n", "error[drop-column]");
  EXPECT_ERROR(head + "sql = \"CREATE INDEX i ON users (a)\"\n",
               "error[non-concurrent-index-creation]");
  EXPECT_ERROR(head + "sql = [\"BEGIN\", \"SELECT 1\", \"COMMIT\"]\n",
               "the runner manages transactions");
  EXPECT_ERROR(
      "id = \"p\"\n[[stage]]\nid = \"s\"\nphase = \"expand\"\nsql = \"SELECT 1\"\nrollback = "
      "\"DROP TABL x\"\n",
      "p.toml:6: stage `s` rollback: syntax error");
  EXPECT_ERROR(
      "id = \"p\"\n[[stage]]\nid = \"s\"\nphase = \"switch\"\nsql = \"SELECT 1\"\ngate = "
      "\"SELEC\"\nrollback = []\n",
      "stage `s` gate: syntax error");
  // One transaction: the scan would run under the first statement's ACCESS EXCLUSIVE lock.
  EXPECT_ERROR(
      head +
          "sql = [\"ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) NOT VALID\", "
          "\"ALTER TABLE users VALIDATE CONSTRAINT c\"]\n",
      "scans the table users while an earlier statement of the same transaction (line 6) holds "
      "ACCESS EXCLUSIVE on it");
  EXPECT_TRUE(
      Errors(head + "sql = [\"ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) NOT VALID\"]\n")
          .empty());
  // The same drop is what a contract stage is for.
  EXPECT_TRUE(Errors("id = \"p\"\n[[stage]]\nid = \"c\"\nphase = \"contract\"\n"
                     "sql = \"ALTER TABLE users DROP COLUMN email\"\nrollback = \"irreversible\"\n")
                  .empty());
}

TEST(Plan, ReviewMarksStatementsThatRunOutsideATransaction) {
  auto parsed = ParsePlan(
      "id = \"p\"\n[[stage]]\nid = \"i\"\nphase = \"expand\"\n"
      "sql = [\"CREATE INDEX CONCURRENTLY app_i ON app.t (a)\", \"ALTER TABLE t2 RENAME TO t3\"]\n"
      "rollback = [\"DROP INDEX CONCURRENTLY app.app_i\"]\n",
      "p.toml");
  const PlanReview review = ReviewPlan(std::get<Plan>(parsed), {});
  ASSERT_EQ(review.stages[0].sql.size(), 2u);
  EXPECT_TRUE(review.stages[0].sql[0].outside_transaction);
  EXPECT_EQ(review.stages[0].sql[0].concurrent_index, "app.app_i");
  EXPECT_FALSE(review.stages[0].sql[1].outside_transaction);
  EXPECT_TRUE(review.stages[0].rollback[0].outside_transaction);
  EXPECT_EQ(review.objects.tables, (std::vector<std::string>{"app.t", "t2", "t3"}));
  EXPECT_EQ(review.objects.indexes, (std::vector<std::string>{"app.app_i"}));
}

TEST(Plan, AConcurrentIndexMustHaveAName) {
  EXPECT_ERROR(
      "id = \"p\"\n[[stage]]\nid = \"i\"\nphase = \"expand\"\n"
      "sql = \"CREATE INDEX CONCURRENTLY ON t (a)\"\nrollback = []\n",
      "p.toml:5: stage `i` sql: `CREATE INDEX CONCURRENTLY ON t (a)`: CREATE INDEX CONCURRENTLY "
      "needs a name");
  EXPECT_TRUE(Errors("id = \"p\"\n[[stage]]\nid = \"i\"\nphase = \"expand\"\n"
                     "sql = \"CREATE INDEX CONCURRENTLY t_a ON t (a)\"\nrollback = []\n")
                  .empty());
}

TEST(Plan, ReviewSortsWhatAPlanNamesByKind) {
  auto parsed = ParsePlan(R"toml(
id = "p"
[[stage]]
id = "objects"
phase = "expand"
sql = [
  "CREATE SEQUENCE app.order_no",
  "ALTER SEQUENCE app.order_no RESTART WITH 10",
  "CREATE INDEX CONCURRENTLY orders_no_idx ON app.orders (no)",
  "ALTER INDEX app.orders_no_idx SET (fillfactor = 90)",
  "ALTER INDEX app.orders_no_idx RENAME TO orders_number_idx",
  "CREATE VIEW recent_orders AS SELECT * FROM app.orders",
  "CREATE MATERIALIZED VIEW order_totals AS SELECT count(*) FROM app.orders",
  "CREATE FUNCTION next_no() RETURNS bigint LANGUAGE sql AS 'SELECT 1'",
  "CREATE TYPE mood AS ENUM ('ok')",
  "ALTER TYPE mood ADD VALUE 'great'",
  "CREATE TYPE pair AS (a int, b int)",
  "ALTER TABLE app.orders RENAME COLUMN no TO number",
]
rollback = [
  "DROP VIEW recent_orders", "DROP MATERIALIZED VIEW order_totals", "DROP FUNCTION next_no()",
  "DROP TYPE mood, pair", "DROP INDEX CONCURRENTLY app.orders_number_idx",
  "DROP SEQUENCE app.order_no", "ALTER TABLE app.orders RENAME COLUMN number TO no",
]
)toml",
                          "p.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed));
  const PlanReview review = ReviewPlan(std::get<Plan>(parsed), {});
  const CatalogObjects& objects = review.objects;
  EXPECT_EQ(objects.tables, (std::vector<std::string>{"app.orders"}));
  EXPECT_EQ(objects.indexes,
            (std::vector<std::string>{"app.orders_no_idx", "app.orders_number_idx"}));
  EXPECT_EQ(objects.sequences, (std::vector<std::string>{"app.order_no"}));
  EXPECT_EQ(objects.views, (std::vector<std::string>{"order_totals", "recent_orders"}));
  EXPECT_EQ(objects.functions, (std::vector<std::string>{"next_no"}));
  EXPECT_EQ(objects.types, (std::vector<std::string>{"mood", "pair"}));
  std::ostringstream out;
  RenderPlanText(std::get<Plan>(parsed), review, out);
  EXPECT_NE(out.str().find("; tables: app.orders; indexes: app.orders_no_idx "
                           "app.orders_number_idx; sequences: app.order_no; views: order_totals "
                           "recent_orders; functions: next_no; types: mood pair\n"),
            std::string::npos)
      << out.str();
  EXPECT_EQ(PlanJson(std::get<Plan>(parsed), review)["sequences"][0], "app.order_no");
}

// What a DO block or a function body holds runs as part of it, never as a statement of its own.
TEST(Plan, StatementsInsideBodiesAreNotRunOnTheirOwn) {
  auto parsed = ParsePlan(R"toml(
id = "p"
[[stage]]
id = "bodies"
phase = "expand"
sql = [
  "DO $$ BEGIN CREATE TABLE audit (id int); ALTER TABLE users ADD COLUMN note text; END $$",
  "CREATE FUNCTION make_log() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE log (id int); END $$",
]
rollback = ["DROP FUNCTION make_log()", "ALTER TABLE users DROP COLUMN note", "DROP TABLE audit"]
)toml",
                          "p.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed));
  const PlanReview review = ReviewPlan(std::get<Plan>(parsed), {});
  EXPECT_TRUE(review.errors.empty()) << review.errors.front();
  ASSERT_EQ(review.stages[0].sql.size(), 2u);
  EXPECT_EQ(review.stages[0].sql[0].sql.rfind("DO $$", 0), 0u);
  EXPECT_EQ(review.stages[0].sql[1].sql.rfind("CREATE FUNCTION", 0), 0u);
  // The DO block takes the locks of what it runs; the function's body runs later, when called.
  ASSERT_EQ(review.stages[0].sql[0].locks.size(), 1u);
  EXPECT_NE(review.stages[0].sql[0].locks[0].find("ACCESS EXCLUSIVE on users"), std::string::npos);
  EXPECT_TRUE(review.stages[0].sql[1].locks.empty());
  EXPECT_EQ(review.objects.tables, (std::vector<std::string>{"audit", "log", "users"}));
  EXPECT_EQ(review.objects.functions, (std::vector<std::string>{"make_log"}));
}

// `pgshift plan` output for the worked example, as a golden file.
TEST(Plan, RenderingMatchesTheGoldenFile) {
  const std::string dir = std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/plans/";
  auto parsed = ReadPlanFile(dir + "rename-column.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed));
  Plan plan = std::get<Plan>(parsed);
  plan.path = "tests/fixtures/plans/rename-column.toml";
  std::ostringstream out;
  RenderPlanText(plan, ReviewPlan(plan, {}), out);
  std::ifstream golden(dir + "rename-column.txt");
  std::ostringstream expected;
  expected << golden.rdbuf();
  EXPECT_EQ(out.str(), expected.str());
  const auto json = PlanJson(plan, ReviewPlan(plan, {}));
  EXPECT_EQ(json["stages"].size(), 6u);
  EXPECT_EQ(json["stages"][2]["sql"][0]["outside_transaction"], true);
}

TEST(PlanRender, OneStageIsNotPlural) {
  auto parsed = ParsePlan(
      "id = \"one\"\n[[stage]]\nid = \"a\"\nphase = \"expand\"\n"
      "sql = \"CREATE INDEX CONCURRENTLY i ON t (c)\"\nrollback = \"DROP INDEX CONCURRENTLY i\"\n",
      "one.toml");
  ASSERT_TRUE(std::holds_alternative<Plan>(parsed));
  const Plan& plan = std::get<Plan>(parsed);
  std::ostringstream out;
  RenderPlanText(plan, ReviewPlan(plan, {}), out);
  EXPECT_NE(out.str().find("\n1 stage, checksum "), std::string::npos) << out.str();
}

TEST(Durations, ParseAndFormat) {
  EXPECT_EQ(ParseDuration("1s"), Millis(1000));
  EXPECT_EQ(ParseDuration("250ms"), Millis(250));
  EXPECT_EQ(ParseDuration("1.5s"), Millis(1500));
  EXPECT_EQ(ParseDuration("2min"), Millis(120000));
  EXPECT_EQ(ParseDuration("1h"), Millis(3600000));
  EXPECT_EQ(ParseDuration("40"), Millis(40));
  EXPECT_EQ(ParseDuration("0"), Millis(0));
  EXPECT_EQ(ParseDuration("s"), std::nullopt);
  EXPECT_EQ(ParseDuration("5 days"), std::nullopt);
  EXPECT_EQ(ParseDuration("-1s"), std::nullopt);
  // Up to PostgreSQL's INT_MAX milliseconds; far beyond it (found by fuzzing) is no duration.
  EXPECT_EQ(ParseDuration("2147483647"), Millis(2147483647));
  EXPECT_EQ(ParseDuration("596h"), Millis(2145600000));
  EXPECT_EQ(ParseDuration("2147483648"), std::nullopt);
  EXPECT_EQ(ParseDuration("15555555555555555555 s"), std::nullopt);
  EXPECT_EQ(FormatDuration(Millis(200)), "200 ms");
  EXPECT_EQ(FormatDuration(Millis(1500)), "1.5 s");
  EXPECT_EQ(FormatDuration(Millis(125000)), "2 min 5 s");
}

}  // namespace
}  // namespace pgshift::runner
