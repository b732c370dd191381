// Each migration tool against its fixture repository (tests/fixtures/tools/<tool>/): recognised
// from what is on disk, its order, which file rolls back which, how it runs a file by default,
// and its own opt-out marker.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "project/file_source.h"
#include "project/generic_tool.h"
#include "project/migration_tool.h"
#include "project/recognition.h"

namespace pgshift::project {
namespace {

using rules::TransactionWrapping;

struct ToolCase {
  std::string tool;                // the tool's name, and the fixture repository's folder
  std::string root;                // the history, under the fixture repository
  std::vector<std::string> order;  // the ups, as paths under root
  std::map<std::string, std::string> rollbacks;  // down -> the up it undoes
  std::string plain;                             // a file run as the tool runs every file
  TransactionWrapping plain_wrapping;            // how it runs it
  std::string opted_out;                         // a file carrying the tool's marker, or ""
  TransactionWrapping opted_out_wrapping = TransactionWrapping::kNone;
};

void PrintTo(const ToolCase& c, std::ostream* out) { *out << c.tool; }

std::string Fixture(const std::string& tool) {
  return std::string(PGSHIFT_SOURCE_DIR) + "/tests/fixtures/tools/" + tool;
}

const std::vector<ToolCase>& Cases() {
  static const std::vector<ToolCase> cases = {
      {"flyway",
       "db/migration",
       {"V1__events.sql", "V1.1__kind.sql", "V2__note.sql", "V10__index.sql", "R__views.sql"},
       {{"U2__note.sql", "V2__note.sql"}},
       "V1__events.sql",
       TransactionWrapping::kPerFile,
       "V10__index.sql"},
      {"golang-migrate",
       "migrations",
       {"1_events.up.sql", "2_kind.up.sql", "10_index.up.sql"},
       {{"1_events.down.sql", "1_events.up.sql"},
        {"2_kind.down.sql", "2_kind.up.sql"},
        {"10_index.down.sql", "10_index.up.sql"}},
       "1_events.up.sql",
       TransactionWrapping::kOneQuery,
       ""},
      {"goose",
       "db/migrations",
       {"00001_events.sql", "00002_kind.sql", "00010_index.sql"},
       {},
       "00001_events.sql",
       TransactionWrapping::kPerFile,
       "00010_index.sql"},
      {"dbmate",
       "db/migrations",
       {"20240101000000_events.sql", "20240102000000_kind.sql", "20240103000000_index.sql"},
       {},
       "20240101000000_events.sql",
       TransactionWrapping::kPerFile,
       "20240103000000_index.sql",
       TransactionWrapping::kOneQuery},
      {"pop",
       "migrations",
       {"20240101000000_events.up.sql", "20240102000000_kind.up.sql",
        "20240103000000_index.postgres.up.sql"},
       {{"20240101000000_events.down.sql", "20240101000000_events.up.sql"},
        {"20240102000000_kind.down.sql", "20240102000000_kind.up.sql"},
        {"20240103000000_index.down.sql", "20240103000000_index.postgres.up.sql"}},
       "20240101000000_events.up.sql",
       TransactionWrapping::kPerFile,
       ""},
      {"sqlx",
       "migrations",
       {"20240101000000_events.up.sql", "20240102000000_kind.up.sql",
        "20240103000000_index.up.sql"},
       {{"20240101000000_events.down.sql", "20240101000000_events.up.sql"},
        {"20240102000000_kind.down.sql", "20240102000000_kind.up.sql"},
        {"20240103000000_index.down.sql", "20240103000000_index.up.sql"}},
       "20240101000000_events.up.sql",
       TransactionWrapping::kPerFile,
       "20240103000000_index.up.sql",
       TransactionWrapping::kOneQuery},
      {"diesel",
       "migrations",
       {"2019-02-26-002946_events/up.sql", "2019-03-01-000000_kind/up.sql",
        "2019-03-10-000000_index/up.sql"},
       {{"2019-02-26-002946_events/down.sql", "2019-02-26-002946_events/up.sql"},
        {"2019-03-01-000000_kind/down.sql", "2019-03-01-000000_kind/up.sql"},
        {"2019-03-10-000000_index/down.sql", "2019-03-10-000000_index/up.sql"}},
       "2019-02-26-002946_events/up.sql",
       TransactionWrapping::kPerFile,
       "2019-03-10-000000_index/up.sql",
       TransactionWrapping::kOneQuery},
      {"sqitch",
       "",
       {"deploy/events.sql", "deploy/kind.sql", "deploy/index.sql"},
       {{"revert/events.sql", "deploy/events.sql"},
        {"revert/kind.sql", "deploy/kind.sql"},
        {"revert/index.sql", "deploy/index.sql"}},
       "deploy/events.sql",
       TransactionWrapping::kNone,
       ""},
      {"prisma",
       "prisma/migrations",
       {"20230404095503_events/migration.sql", "20230505085625_kind/migration.sql",
        "20230606000000_index/migration.sql"},
       {},
       "20230404095503_events/migration.sql",
       TransactionWrapping::kOneQuery,
       ""},
      {"atlas",
       "migrations",
       {"20240101000000_events.sql", "20240102000000_kind.sql", "20240103000000_index.sql"},
       {},
       "20240101000000_events.sql",
       TransactionWrapping::kPerFile,
       "20240103000000_index.sql"},
      {"graphile-migrate",
       "migrations",
       {"committed/000001.sql", "committed/000002.sql", "committed/000003.sql", "current.sql"},
       {},
       "committed/000001.sql",
       TransactionWrapping::kPerFile,
       "committed/000003.sql",
       TransactionWrapping::kOneQuery},
      {"node-pg-migrate",
       "migrations",
       {"1700000000000_events.sql", "1700000000001_kind.sql", "1700000000002_index.sql"},
       {},
       "1700000000000_events.sql",
       TransactionWrapping::kPerFile,
       ""},
  };
  return cases;
}

class MigrationTools : public ::testing::TestWithParam<ToolCase> {
 protected:
  std::string Root() const {
    return GetParam().root.empty() ? Fixture(GetParam().tool)
                                   : JoinPath(Fixture(GetParam().tool), GetParam().root);
  }
  std::string Under(const std::string& relative) const { return JoinPath(Root(), relative); }
  std::string Relative(const std::string& path) const {
    const std::string prefix = Root() + "/";
    return path.starts_with(prefix) ? path.substr(prefix.size()) : path;
  }
  std::string Read(const std::string& relative) const {
    return disk_.Read(Under(relative), 1 << 20).value_or("");
  }
  FileRun Describe(const MigrationTool& tool, const std::string& relative) const {
    return tool.Describe(Under(relative), Read(relative), disk_);
  }
  DiskFileSource disk_;
};

TEST_P(MigrationTools, RecognisedFromWhatIsOnDisk) {
  const ToolChoice choice = ChooseTool(Root(), disk_, "", rules::MigrationOrderStyle::kAuto);
  ASSERT_TRUE(choice.recognised) << choice.Describe();
  EXPECT_EQ(choice.tool->Name(), GetParam().tool) << choice.Describe();
  EXPECT_FALSE(choice.why.empty());
  // Every file of the history places it at the root, wherever the tool keeps it.
  const SqlFiles files = choice.tool->List(Root(), disk_);
  for (const std::string& file : *files) {
    EXPECT_EQ(HistoryRootOf(file, disk_), Root()) << file;
  }
}

TEST_P(MigrationTools, OrderAndPairing) {
  const MigrationTool* tool = FindTool(GetParam().tool);
  ASSERT_NE(tool, nullptr);
  const HistoryPlan plan = tool->Plan(*tool->List(Root(), disk_), disk_);
  std::vector<std::string> order;
  for (const std::string& file : plan.files) order.push_back(Relative(file));
  EXPECT_EQ(order, GetParam().order);
  std::map<std::string, std::string> rollbacks;
  for (const Rollback& rollback : plan.rollbacks) {
    ASSERT_TRUE(rollback.rolls_back.has_value()) << rollback.path;
    rollbacks[Relative(rollback.path)] = Relative(plan.files.at(*rollback.rolls_back));
    // A rollback runs once its up migration has applied, and before the next one.
    EXPECT_EQ(rollback.after, *rollback.rolls_back + 1) << rollback.path;
  }
  EXPECT_EQ(rollbacks, GetParam().rollbacks);
}

TEST_P(MigrationTools, TransactionByDefaultAndTheToolsOwnOptOut) {
  const MigrationTool* tool = FindTool(GetParam().tool);
  ASSERT_NE(tool, nullptr);
  const FileRun plain = Describe(*tool, GetParam().plain);
  ASSERT_FALSE(plain.sections.empty());
  for (const Section& section : plain.sections) {
    EXPECT_EQ(section.wrapping, GetParam().plain_wrapping) << GetParam().plain;
    EXPECT_TRUE(section.opted_out.empty()) << section.opted_out;
  }
  // The help of a finding names the way out in the tool's own words.
  EXPECT_FALSE(tool->OptOut(Under(GetParam().plain)).empty());
  if (GetParam().opted_out.empty()) return;
  const FileRun marked = Describe(*tool, GetParam().opted_out);
  ASSERT_FALSE(marked.sections.empty());
  for (const Section& section : marked.sections) {
    EXPECT_EQ(section.wrapping, GetParam().opted_out_wrapping) << GetParam().opted_out;
    EXPECT_FALSE(section.opted_out.empty()) << GetParam().opted_out;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MigrationTools, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ToolCase>& info) {
                           std::string name = info.param.tool;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(MigrationToolRegistry, EveryToolHasAFixtureRepositoryAndADocRow) {
  std::vector<std::string> tested;
  for (const ToolCase& c : Cases()) tested.push_back(c.tool);
  std::sort(tested.begin(), tested.end());
  std::vector<std::string> registered;
  for (const MigrationTool* tool : AllTools()) {
    registered.emplace_back(tool->Name());
    const ToolDoc& doc = tool->Doc();
    EXPECT_FALSE(doc.recognised_by.empty() || doc.order.empty() || doc.pairing.empty() ||
                 doc.transaction.empty() || doc.opt_out.empty())
        << doc.name;
  }
  EXPECT_EQ(registered, tested);
}

// The tools table of docs/history-and-releases.md is the tools' own ToolDoc, row for row.
TEST(MigrationToolRegistry, TheDocsTableSaysWhatEachToolDoes) {
  std::ifstream in(std::string(PGSHIFT_SOURCE_DIR) + "/docs/history-and-releases.md");
  std::stringstream docs;
  docs << in.rdbuf();
  const auto cell = [](std::string_view text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  const GenericTool generic;
  std::vector<const MigrationTool*> tools = AllTools();
  tools.push_back(&generic);
  for (const MigrationTool* tool : tools) {
    const ToolDoc& doc = tool->Doc();
    const std::string row = "| " + cell(doc.name) + " | " + cell(doc.recognised_by) + " | " +
                            cell(doc.order) + " | " + cell(doc.pairing) + " | " +
                            cell(doc.transaction) + " | " + cell(doc.opt_out) + " |\n";
    EXPECT_NE(docs.str().find(row), std::string::npos) << "missing or out of date:\n" << row;
  }
}

TEST(MigrationToolSections, UpAndDownSectionsOfOneFile) {
  const MemoryFileSource none(std::map<std::string, std::string>{});
  const std::string goose =
      "-- +goose Up\nCREATE TABLE t (a int);\n\n-- +goose Down\nDROP TABLE t;\n";
  const FileRun g = FindTool("goose")->Describe("m/00001_t.sql", goose, none);
  ASSERT_EQ(g.sections.size(), 2u);
  EXPECT_EQ(g.sections[0].direction, Direction::kUp);
  EXPECT_EQ(g.sections[1].direction, Direction::kDown);
  EXPECT_LE(g.sections[1].begin, goose.find("-- +goose Down"));
  EXPECT_GT(g.sections[1].end, goose.find("DROP TABLE"));
  EXPECT_LE(g.sections[0].end, goose.find("DROP TABLE"));
  // Down before Up: each section runs to the other's marker.
  const std::string reversed =
      "-- +goose Down\nDROP TABLE t;\n-- +goose Up\nCREATE TABLE t (a int);\n";
  const FileRun r = FindTool("goose")->Describe("m/00001_t.sql", reversed, none);
  ASSERT_EQ(r.sections.size(), 2u);
  EXPECT_EQ(r.sections[0].direction, Direction::kDown);
  EXPECT_EQ(r.sections[0].end, reversed.find("-- +goose Up"));
  EXPECT_EQ(r.sections[1].direction, Direction::kUp);
  EXPECT_EQ(r.sections[1].end, reversed.size());
  // dbmate: each section has its own options.
  const std::string dbmate =
      "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down transaction:false\n"
      "DROP TABLE t;\n";
  const FileRun d = FindTool("dbmate")->Describe("m/1_t.sql", dbmate, none);
  ASSERT_EQ(d.sections.size(), 2u);
  EXPECT_EQ(d.sections[0].wrapping, TransactionWrapping::kPerFile);
  EXPECT_EQ(d.sections[1].direction, Direction::kDown);
  EXPECT_EQ(d.sections[1].wrapping, TransactionWrapping::kOneQuery);
  // A marker only mentioned in a comment is no marker.
  const std::string plain = "CREATE TABLE t (a int); -- migrate:down is only a comment here\n";
  const FileRun p = FindTool("dbmate")->Describe("m/1_t.sql", plain, none);
  for (const Section& section : p.sections) EXPECT_EQ(section.direction, Direction::kUp);
}

TEST(MigrationToolSections, GooseAnnotationsInAnyCase) {
  // goose lowercases an annotation before it reads it: `-- +goose no transaction` counts.
  const MemoryFileSource repo(std::map<std::string, std::string>{
      {"db/00001_a.sql",
       "-- +goose no transaction\n-- +goose up\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
       "-- +goose down\nDROP INDEX CONCURRENTLY i;\n"}});
  const ToolChoice choice = ChooseTool("db", repo, "", rules::MigrationOrderStyle::kAuto);
  ASSERT_TRUE(choice.recognised) << choice.Describe();
  ASSERT_EQ(choice.tool->Name(), "goose");
  const std::string text = *repo.Read("db/00001_a.sql", 1 << 20);
  const FileRun run = choice.tool->Describe("db/00001_a.sql", text, repo);
  ASSERT_EQ(run.sections.size(), 2u);
  EXPECT_EQ(run.sections[0].direction, Direction::kUp);
  EXPECT_EQ(run.sections[1].direction, Direction::kDown);
  EXPECT_EQ(run.sections[1].begin, text.find("-- +goose down"));
  for (const Section& section : run.sections) {
    EXPECT_EQ(section.wrapping, TransactionWrapping::kNone);
  }
}

TEST(MigrationToolPlans, PopRunsThePostgresFileOfAVersionAndNoOtherDialects) {
  const MemoryFileSource repo({{"app/go.mod", "require github.com/gobuffalo/pop/v6 v6.1.1\n"},
                               {"app/m/1_a.up.sql", "SELECT 1;\n"},
                               {"app/m/1_a.pg.up.sql", "SELECT 1;\n"},
                               {"app/m/1_a.mysql.up.sql", "SELECT 1;\n"},
                               {"app/m/2_b.up.sql", "SELECT 1;\n"},
                               {"app/m/2_b.sqlite3.up.sql", "SELECT 1;\n"}});
  const ToolChoice choice = ChooseTool("app/m", repo, "", rules::MigrationOrderStyle::kAuto);
  ASSERT_TRUE(choice.recognised) << choice.Describe();
  ASSERT_EQ(choice.tool->Name(), "pop");
  const HistoryPlan plan = choice.tool->Plan(*choice.tool->List("app/m", repo), repo);
  EXPECT_EQ(plan.files, (std::vector<std::string>{"app/m/1_a.pg.up.sql", "app/m/2_b.up.sql"}));
  std::map<std::string, std::string> skipped;
  for (const NotMigration& s : plan.skipped) skipped[s.path] = s.reason;
  EXPECT_EQ(skipped,
            (std::map<std::string, std::string>{
                {"app/m/1_a.up.sql", "its version has a file for postgres, which pop runs instead"},
                {"app/m/1_a.mysql.up.sql", "for mysql"},
                {"app/m/2_b.sqlite3.up.sql", "for sqlite3"}}));
  // Without pop in go.mod the same files are golang-migrate's.
  const MemoryFileSource plain(
      {{"app/go.mod", "require github.com/jackc/pgx/v5 v5.5.0\n"}, {"app/m/1_a.up.sql", "SELECT 1;\n"}});
  EXPECT_EQ(ChooseTool("app/m", plain, "", rules::MigrationOrderStyle::kAuto).tool->Name(),
            "golang-migrate");
}

TEST(MigrationToolRecognition, ConfiguredToolWinsAndNoneFallsBack) {
  const MemoryFileSource repo({{"db/V1__a.sql", "SELECT 1;\n"}, {"db/V2__b.sql", "SELECT 1;\n"}});
  const ToolChoice found = ChooseTool("db", repo, "", rules::MigrationOrderStyle::kAuto);
  EXPECT_EQ(found.tool->Name(), "flyway");
  const ToolChoice set = ChooseTool("db", repo, "dbmate", rules::MigrationOrderStyle::kAuto);
  EXPECT_TRUE(set.recognised);
  EXPECT_EQ(set.tool->Name(), "dbmate");
  EXPECT_NE(set.why.find("pgshift.toml"), std::string::npos);
  const ToolChoice none = ChooseTool("db", repo, "none", rules::MigrationOrderStyle::kAuto);
  EXPECT_FALSE(none.recognised);
  EXPECT_EQ(none.tool->Name(), "none");
  // Nothing recognisable: the generic order by version numbers.
  const MemoryFileSource plain(
      std::map<std::string, std::string>{{"sql/001_a.sql", "SELECT 1;\n"}});
  EXPECT_FALSE(ChooseTool("sql", plain, "", rules::MigrationOrderStyle::kAuto).recognised);
}

// node-pg-migrate's and dbmate's markers are matched by hand: line for line, as the patterns the
// tools use (node-pg-migrate's with /i, both tried from the line's first character).
TEST(MigrationToolRecognition, MarkersMatchAsTheToolsPatterns) {
  struct Tool {
    std::string name;
    std::regex up, down;
  };
  const Tool tools[] = {
      {"node-pg-migrate", std::regex(R"(^\s*--[\s-]*up\s+migration)", std::regex::icase),
       std::regex(R"(^\s*--[\s-]*down\s+migration)", std::regex::icase)},
      {"dbmate", std::regex(R"(^--\s*migrate:up(\s|$))"),
       std::regex(R"(^--\s*migrate:down(\s|$))")},
  };
  const std::vector<std::string> lines = {"-- Up Migration",
                                          "--up migration",
                                          " \t-- - UP \t MIGRATION",
                                          "---up migration",
                                          "-- Up Migrations",
                                          "\v--\fup\rmigration",
                                          "-- upmigration",
                                          "-- up",
                                          "- up migration",
                                          "x-- up migration",
                                          "-- up migratio",
                                          "-- \xc3\xbap migration",
                                          "-- Down Migration",
                                          " --  - down  Migration here",
                                          "-- down",
                                          "-- migrate:up",
                                          "--migrate:up",
                                          "--\t migrate:up ",
                                          "-- migrate:up transaction:false",
                                          "-- migrate:upx",
                                          "-- Migrate:up",
                                          " -- migrate:up",
                                          "-- migrate :up",
                                          "-- migrate:down",
                                          "--migrate:down\t",
                                          "-- migrate:downs",
                                          "",
                                          "--"};
  const MemoryFileSource none(std::map<std::string, std::string>{});
  for (const Tool& tool : tools) {
    for (const std::string& line : lines) {
      const auto matches = [&](const std::regex& marker) {
        return std::regex_search(line, marker, std::regex_constants::match_continuous);
      };
      const MemoryFileSource repo({{"db/1_a.sql", "SELECT 1;\n" + line + "\nSELECT 2;\n"}});
      const ToolChoice choice = ChooseTool("db", repo, "", rules::MigrationOrderStyle::kAuto);
      EXPECT_EQ(choice.recognised && choice.tool->Name() == tool.name, matches(tool.up))
          << tool.name << " up: " << line;
      // A down marker after an up one starts a section of its own.
      const std::string up = tool.name == "dbmate" ? "-- migrate:up" : "-- Up Migration";
      const std::string text = up + "\nSELECT 1;\n" + line + "\nSELECT 2;\n";
      const FileRun run = FindTool(tool.name)->Describe("db/1_a.sql", text, none);
      const bool down = std::any_of(run.sections.begin(), run.sections.end(), [](const Section& s) {
        return s.direction == Direction::kDown;
      });
      EXPECT_EQ(down, matches(tool.down) && !matches(tool.up)) << tool.name << " down: " << line;
    }
  }
}

}  // namespace
}  // namespace pgshift::project
