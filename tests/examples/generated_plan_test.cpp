// `pgshift plan new` against a real server: each worked example's naive.sql, planned with its
// seed as --schema, runs through contract on a fresh seeded database under the example's
// application and ends with the catalog the hand-written plan.toml reaches; `pgshift rollback`
// restores the catalog from every checkpoint before contract (04's plan is contract only); the
// examples plan new cannot make safe are said to be so; and each README shows the plan new writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "runner/plan.h"
#include "tests/examples/app_spec.h"
#include "tests/examples/catalog_snapshot.h"
#include "tests/examples/plan_under_load.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(PGSHIFT_SOURCE_DIR) / "migrations-examples";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether plan new makes the example's naive.sql safe whole, and the lines where the final catalog
// may differ from the hand-written plan's, each for a reason: 06's plan also proves
// email_address NOT NULL with a check it keeps, while the seed's email is nullable, so the
// generated plan carries over no NOT NULL. 07 (a key's type change, with its sequence, primary
// and foreign keys) is swapped whole; 08's rows are copied by a batched INSERT ... SELECT.
struct GeneratedExample {
  std::string name;
  bool made_safe = true;
  std::vector<std::string> expected_difference;
};

// gtest names the failing parameter with this rather than a dump of its bytes.
void PrintTo(const GeneratedExample& example, std::ostream* out) { *out << example.name; }

const std::string kReadmeMarker = "<!-- generated: pgshift plan new naive.sql --schema seed.sql";

// Where README.md shows what plan new writes: the ```toml block after the marker line, as
// [begin, end) of its content; npos when there is none.
std::pair<std::size_t, std::size_t> GeneratedBlock(const std::string& readme) {
  const std::size_t none = std::string::npos;
  const std::size_t at = readme.find(kReadmeMarker);
  if (at == none) return {none, none};
  const std::size_t open = readme.find("```toml\n", at);
  if (open == none) return {none, none};
  const std::size_t begin = open + 8;
  const std::size_t end = readme.find("\n```\n", begin);
  if (end == none) return {none, none};
  return {begin, end + 1};
}

std::variant<runner::Plan, std::string> ReadPlan(const std::string& path) {
  auto read = runner::ReadPlanFile(path);
  if (auto* errors = std::get_if<runner::PlanErrors>(&read)) {
    std::string all;
    for (const std::string& message : errors->messages) all += message + "\n";
    return all;
  }
  return std::get<runner::Plan>(read);
}

class GeneratedPlan : public ::testing::TestWithParam<GeneratedExample> {
 protected:
  fs::path Dir() const { return kExamples / GetParam().name; }
  std::string SeededDatabase() {
    const std::string url = FreshDatabase();
    if (url.empty()) return url;
    auto db = ConnectTo(url);
    if (db) Sql(*db, ReadText(Dir() / "seed.sql"));
    return url;
  }
  Workspace workspace_{"generated-plan"};
};

// The requirement for every example whose naive.sql plan new makes safe: the generated plan,
// run on the seed under the example's application (both releases, deployed and retired at the
// generated plan's stages of the phases where the hand-written plan deploys and retires them),
// runs through contract without an application error or a wait longer than the lock timeout and
// ends with the hand-written plan's catalog; and it rolls back from every checkpoint before
// contract. Where plan new cannot make it safe, it says so (exit 1, NOT MADE SAFE), and so does
// the README.
TEST_P(GeneratedPlan, ReachesTheHandWrittenPlansCatalogUnderTheApplicationsLoadAndRollsBack) {
  const fs::path dir = Dir();
  const std::string generated = (workspace_.dir() / "plan.toml").string();
  const ProcessResult made =
      workspace_.Pgshift({"plan", "new", (dir / "naive.sql").string(), "--schema",
                          (dir / "seed.sql").string(), "--id", "generated", "-o", generated});
  if (!GetParam().made_safe) {
    EXPECT_EQ(made.exit_code, 1) << made.out << made.err;
    EXPECT_NE(made.err.find("NOT MADE SAFE"), std::string::npos) << made.err;
    // Said in the README's own words, not only in the generated block it shows.
    std::string readme = ReadText(dir / "README.md");
    const auto [begin, end] = GeneratedBlock(readme);
    if (begin != std::string::npos) readme.erase(begin, end - begin);
    EXPECT_NE(readme.find("NOT MADE SAFE"), std::string::npos)
        << GetParam().name << "/README.md does not say that plan new cannot make it safe";
    return;
  }
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(made.err.find("NOT MADE SAFE"), std::string::npos) << made.err;

  auto by_hand_plan = ReadPlan((dir / "plan.toml").string());
  auto generated_plan = ReadPlan(generated);
  ASSERT_TRUE(std::holds_alternative<runner::Plan>(by_hand_plan))
      << std::get<std::string>(by_hand_plan);
  ASSERT_TRUE(std::holds_alternative<runner::Plan>(generated_plan))
      << std::get<std::string>(generated_plan);
  const runner::Plan& hand = std::get<runner::Plan>(by_hand_plan);
  const runner::Plan& plan = std::get<runner::Plan>(generated_plan);
  std::vector<std::string> hand_stages;
  for (const runner::Stage& stage : hand.stages) hand_stages.push_back(stage.id);
  auto app = ReadAppSpec((dir / "app.toml").string(), hand_stages);
  if (auto* errors = std::get_if<std::vector<std::string>>(&app)) {
    for (const std::string& error : *errors) ADD_FAILURE() << error;
    return;
  }

  const std::string by_hand = SeededDatabase();
  const std::string by_plan_new = SeededDatabase();
  ASSERT_FALSE(by_hand.empty());
  ASSERT_FALSE(by_plan_new.empty());
  auto hand_db = ConnectTo(by_hand);
  auto new_db = ConnectTo(by_plan_new);
  ASSERT_TRUE(hand_db && new_db);
  const ProcessResult run_by_hand =
      workspace_.Pgshift({"run", (dir / "plan.toml").string(), "--db", by_hand, "--through",
                          "contract", "--progress", "none"});
  ASSERT_EQ(run_by_hand.exit_code, 0) << run_by_hand.out << run_by_hand.err;
  RunUnderLoad(workspace_, generated, plan, MovedToPlan(std::get<AppSpec>(app), hand, plan),
               by_plan_new, GetParam().name, "generated");

  std::string diff = SnapshotDiff(CatalogSnapshot(*hand_db), CatalogSnapshot(*new_db));
  std::istringstream lines(diff);
  std::string line, unexpected;
  while (std::getline(lines, line)) {
    const auto& allowed = GetParam().expected_difference;
    if (std::find(allowed.begin(), allowed.end(), line) == allowed.end()) {
      unexpected += line + "\n";
    }
  }
  EXPECT_TRUE(unexpected.empty()) << "- by hand only, + by plan new only:\n" << diff;
  for (const std::string& allowed : GetParam().expected_difference) {
    EXPECT_NE(diff.find(allowed), std::string::npos)
        << "no longer differs, drop it from the expected difference: " << allowed;
  }

  const bool reversible =
      std::any_of(plan.stages.begin(), plan.stages.end(),
                  [](const runner::Stage& s) { return s.phase != rules::Phase::kContract; });
  if (!reversible) return;  // contract only (04): nothing to roll back
  const std::string again = SeededDatabase();
  ASSERT_FALSE(again.empty());
  RollsBackFromEveryCheckpoint(workspace_, generated, plan, again);
}

// README.md shows what plan new writes for naive.sql, run from the example's folder, between
// the marker line and the end of the toml block that follows it; tools/update_example_readmes.py
// rewrites the block when the planner's output changes.
TEST_P(GeneratedPlan, ReadmeShowsWhatPlanNewWrites) {
  const std::string readme = ReadText(Dir() / "README.md");
  const auto [begin, end] = GeneratedBlock(readme);
  ASSERT_NE(begin, std::string::npos)
      << GetParam().name << "/README.md has no ```toml block after a line " << kReadmeMarker;
  const std::string shown = readme.substr(begin, end - begin);

  workspace_.options.cwd = Dir().string();
  const ProcessResult made =
      workspace_.Pgshift({"plan", "new", "naive.sql", "--schema", "seed.sql"});
  ASSERT_TRUE(made.exit_code == 0 || made.exit_code == 1) << made.err;
  EXPECT_EQ(shown, made.out) << GetParam().name
                             << "/README.md shows another plan than plan new writes: run "
                                "tools/update_example_readmes.py";
}

// Transformations no worked example shows, on a real server: a volatile NOT NULL default, a
// rewriting type change, a CHECK, and an index, through contract and back.
TEST(GeneratedPlanBeyondTheExamples, RunsThroughContractAndRollsBack) {
  Workspace workspace("generated-plan-more");
  const std::string seed =
      "CREATE TABLE events (id bigint PRIMARY KEY, count integer NOT NULL, note text);\n"
      "INSERT INTO events SELECT i, i, 'n' || i FROM generate_series(1, 3000) AS i;\n";
  const std::string seed_path = workspace.Write("seed.sql", seed);
  const std::string migration = workspace.Write(
      "0009_events.sql",
      "ALTER TABLE events ALTER COLUMN count TYPE bigint;\n"
      "ALTER TABLE events ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n"
      "ALTER TABLE events ADD CONSTRAINT id_positive CHECK (id > 0);\n"
      "CREATE INDEX ON events (note);\n");
  const std::string plan = (workspace.dir() / "plan.toml").string();
  const ProcessResult made =
      workspace.Pgshift({"plan", "new", migration, "--schema", seed_path, "-o", plan});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  auto seeded = [&] {
    const std::string url = FreshDatabase();
    if (auto db = ConnectTo(url)) Sql(*db, seed);
    return url;
  };
  const std::string url = seeded();
  ASSERT_FALSE(url.empty());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  const ProcessResult run =
      workspace.Pgshift({"run", plan, "--db", url, "--through", "contract", "--progress", "none"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(Scalar(*db,
                   "SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM "
                   "pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'count'"),
            "bigint true");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM events WHERE count = id AND token IS NOT NULL"),
            "3000");
  EXPECT_EQ(Scalar(*db,
                   "SELECT attnotnull FROM pg_attribute WHERE attrelid = "
                   "'events'::regclass AND attname = 'token'"),
            "t");
  EXPECT_EQ(Scalar(*db,
                   "SELECT convalidated FROM pg_constraint WHERE conname = "
                   "'id_positive'"),
            "t");
  EXPECT_EQ(Scalar(*db,
                   "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                   "'events_note_idx'::regclass"),
            "t");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'events'::regclass"), "0");
  Sql(*db, "INSERT INTO events (id, count, note) VALUES (5000000000, 5000000000, 'big')");

  const std::string again = seeded();
  auto again_db = ConnectTo(again);
  ASSERT_TRUE(again_db);
  const std::vector<std::string> before = CatalogSnapshot(*again_db);
  const ProcessResult through_switch =
      workspace.Pgshift({"run", plan, "--db", again, "--through", "switch", "--progress", "none"});
  ASSERT_EQ(through_switch.exit_code, 0) << through_switch.out << through_switch.err;
  const ProcessResult back = workspace.Pgshift({"rollback", plan, "--db", again});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_TRUE(SnapshotDiff(before, CatalogSnapshot(*again_db)).empty())
      << SnapshotDiff(before, CatalogSnapshot(*again_db));
}

// A table rename: after expand, the running release's INSERT (with RETURNING and the table's
// default), UPDATE and DELETE through the old name reach the renamed table; rollback restores
// the seed's catalog, and contract drops the view.
TEST(GeneratedPlanBeyondTheExamples, TableRenameWritesThroughTheOldName) {
  Workspace workspace("generated-plan-rename-table");
  const std::string seed =
      "CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, "
      "plan text NOT NULL DEFAULT 'free');\n"
      "INSERT INTO customers (name) VALUES ('a'), ('b');\n";
  const std::string seed_path = workspace.Write("seed.sql", seed);
  const std::string migration =
      workspace.Write("0010_accounts.sql", "ALTER TABLE customers RENAME TO accounts;\n");
  const std::string plan = (workspace.dir() / "plan.toml").string();
  const ProcessResult made =
      workspace.Pgshift({"plan", "new", migration, "--schema", seed_path, "-o", plan});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  const std::string url = FreshDatabase();
  ASSERT_FALSE(url.empty());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  Sql(*db, seed);
  const std::vector<std::string> before = CatalogSnapshot(*db);
  const ProcessResult expand =
      workspace.Pgshift({"run", plan, "--db", url, "--through", "switch", "--progress", "none"});
  ASSERT_EQ(expand.exit_code, 0) << expand.out << expand.err;
  EXPECT_EQ(Scalar(*db, "INSERT INTO customers (name) VALUES ('c') RETURNING id || ' ' || plan"),
            "3 free");
  Sql(*db, "UPDATE customers SET name = 'z' WHERE id = 1; DELETE FROM customers WHERE id = 2");
  EXPECT_EQ(Scalar(*db, "SELECT string_agg(id || name, ',' ORDER BY id) FROM accounts"),
            "1z,3c");

  const ProcessResult back = workspace.Pgshift({"rollback", plan, "--db", url});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_TRUE(SnapshotDiff(before, CatalogSnapshot(*db)).empty())
      << SnapshotDiff(before, CatalogSnapshot(*db));
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM customers"), "2");

  const std::string again = FreshDatabase();
  auto again_db = ConnectTo(again);
  ASSERT_TRUE(again_db);
  Sql(*again_db, seed);
  const ProcessResult contract = workspace.Pgshift(
      {"run", plan, "--db", again, "--through", "contract", "--progress", "none"});
  ASSERT_EQ(contract.exit_code, 0) << contract.out << contract.err;
  EXPECT_EQ(Scalar(*again_db, "SELECT count(*) FROM pg_views WHERE viewname = 'customers'"), "0");
  EXPECT_EQ(Scalar(*again_db, "SELECT count(*) FROM accounts"), "2");
}

// Shapes from real migrations that once planned to fail: an index dropped and built again under
// its name, a foreign key dropped and added again under its name, and a renamed column with a
// default. Through contract: the new objects carry the old names and an INSERT that leaves the
// renamed column out gets its default; through switch and back: the seed's catalog.
TEST(GeneratedPlanBeyondTheExamples, ReplacementsUnderTheSameNameAndARenameKeepingItsDefault) {
  Workspace workspace("generated-plan-replacements");
  const std::string seed =
      "CREATE TABLE recipient (id int PRIMARY KEY);\n"
      "CREATE TABLE signature (id int PRIMARY KEY, recipient_id int, admin boolean NOT NULL "
      "DEFAULT false, animated boolean DEFAULT true NOT NULL, CONSTRAINT signature_recipient_fkey "
      "FOREIGN KEY (recipient_id) REFERENCES recipient (id));\n"
      "CREATE INDEX idx_signature_admin ON signature (admin);\n"
      "INSERT INTO recipient SELECT generate_series(1, 50);\n"
      "INSERT INTO signature (id, recipient_id) SELECT i, i FROM generate_series(1, 50) i;\n";
  const std::string seed_path = workspace.Write("seed.sql", seed);
  const std::string migration = workspace.Write(
      "0011_replace.sql",
      "DROP INDEX IF EXISTS idx_signature_admin;\n"
      "CREATE INDEX idx_signature_admin ON signature (admin) WHERE admin;\n"
      "ALTER TABLE signature DROP CONSTRAINT signature_recipient_fkey;\n"
      "ALTER TABLE signature ADD CONSTRAINT signature_recipient_fkey FOREIGN KEY (recipient_id) "
      "REFERENCES recipient (id) ON DELETE CASCADE;\n"
      "ALTER TABLE signature RENAME COLUMN animated TO enable_animated_images;\n");
  const std::string plan = (workspace.dir() / "plan.toml").string();
  const ProcessResult made =
      workspace.Pgshift({"plan", "new", migration, "--schema", seed_path, "-o", plan});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const ProcessResult checked = workspace.Pgshift({"plan", plan});
  ASSERT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  auto seeded = [&] {
    const std::string url = FreshDatabase();
    if (auto db = ConnectTo(url)) Sql(*db, seed);
    return url;
  };
  const std::string url = seeded();
  ASSERT_FALSE(url.empty());
  auto db = ConnectTo(url);
  ASSERT_TRUE(db);
  const ProcessResult run =
      workspace.Pgshift({"run", plan, "--db", url, "--through", "contract", "--progress", "none"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(Scalar(*db, "SELECT pg_get_indexdef('idx_signature_admin'::regclass)"),
            "CREATE INDEX idx_signature_admin ON public.signature USING btree (admin) WHERE admin");
  EXPECT_EQ(Scalar(*db,
                   "SELECT confdeltype::text || ' ' || convalidated::text FROM pg_constraint WHERE conname = "
                   "'signature_recipient_fkey'"),
            "c true");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM pg_constraint WHERE conname LIKE '%_new'"), "0");
  Sql(*db, "INSERT INTO signature (id, recipient_id) VALUES (51, 1)");
  EXPECT_EQ(Scalar(*db, "SELECT enable_animated_images FROM signature WHERE id = 51"), "t");
  Sql(*db, "DELETE FROM recipient WHERE id = 1");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM signature WHERE recipient_id = 1"), "0");

  const std::string again = seeded();
  auto again_db = ConnectTo(again);
  ASSERT_TRUE(again_db);
  const std::vector<std::string> before = CatalogSnapshot(*again_db);
  const ProcessResult through_switch =
      workspace.Pgshift({"run", plan, "--db", again, "--through", "switch", "--progress", "none"});
  ASSERT_EQ(through_switch.exit_code, 0) << through_switch.out << through_switch.err;
  const ProcessResult back = workspace.Pgshift({"rollback", plan, "--db", again});
  EXPECT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_TRUE(SnapshotDiff(before, CatalogSnapshot(*again_db)).empty())
      << SnapshotDiff(before, CatalogSnapshot(*again_db));
}

INSTANTIATE_TEST_SUITE_P(
    WorkedExamples, GeneratedPlan,
    ::testing::Values(GeneratedExample{"01-add-index-to-large-table"},
                      GeneratedExample{"02-add-unique-constraint"},
                      GeneratedExample{"03-add-foreign-key"},
                      GeneratedExample{"04-drop-unused-table"},
                      GeneratedExample{"05-add-not-null-column"},
                      GeneratedExample{"06-rename-column",
                                       true,
                                       {"- constraint users.users_email_address_not_null CHECK "
                                        "((email_address IS NOT NULL))"}},
                      GeneratedExample{"07-change-column-type"},
                      GeneratedExample{"08-move-columns-to-new-table"}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace pgshift::testing
