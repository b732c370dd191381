// End to end: the everyday conveniences of `pgshift lint` (compact output, rule selection on the
// command line, documentation links, suggestions for misspellings, Squawk's suppressions, stale
// baseline entries, colour).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "rules/closest_name.h"
#include "rules/rule.h"
#include "rules/squawk_rules.h"
#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

class LintConveniences : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-conv-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  ProcessResult Lint(std::vector<std::string> args, ProcessOptions options = {}) {
    args.insert(args.begin(), "lint");
    if (options.cwd.empty()) options.cwd = dir_.string();
    return RunPgshift(args, options);
  }
  static std::vector<std::string> Rules(const ProcessResult& r) {
    std::vector<std::string> out;
    const nlohmann::json report = nlohmann::json::parse(r.out);  // kept: the loop reads into it
    for (const auto& f : report["findings"]) out.push_back(f["rule"]);
    return out;
  }
  fs::path dir_;
};

TEST_F(LintConveniences, CompactIsOneLinePerFinding) {
  Write("m.sql", "SET lock_timeout = '2s';\nDROP TABLE t;\n  CREATE INDEX i ON u (a);\n");
  const ProcessResult r = Lint({"--format", "compact", "m.sql"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out,
            "m.sql:2:1: error[drop-table] Dropping table t breaks the application version still "
            "running if it uses it, and loses its data\n"
            "m.sql:3:3: error[non-concurrent-index-creation] " +
                r.out.substr(r.out.find("non-concurrent-index-creation] ") + 31));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
}

TEST_F(LintConveniences, RuleAndExcludeRuleChooseRules) {
  Write("m.sql", "DROP TABLE t;\nCREATE INDEX i ON u (a);\nCREATE TABLE j (d json);\n");
  EXPECT_EQ(Rules(Lint({"--format", "json", "--rule", "drop-table", "m.sql"})),
            std::vector<std::string>{"drop-table"});
  // Repeatable; an opt-in rule named is run.
  const auto chosen =
      Rules(Lint({"--format", "json", "--rule", "drop-table", "--rule", "json-column", "m.sql"}));
  EXPECT_NE(std::find(chosen.begin(), chosen.end(), "drop-table"), chosen.end());
  const auto excluded = Rules(Lint({"--format", "json", "--exclude-rule", "drop-table",
                                    "--exclude-rule", "missing-lock-timeout", "m.sql"}));
  EXPECT_EQ(std::find(excluded.begin(), excluded.end(), "drop-table"), excluded.end());
  EXPECT_NE(std::find(excluded.begin(), excluded.end(), "non-concurrent-index-creation"),
            excluded.end());
  // --exclude-rule wins over --rule.
  EXPECT_TRUE(Rules(Lint({"--format", "json", "--rule", "drop-table", "--exclude-rule",
                          "drop-table", "m.sql"}))
                  .empty());
  const ProcessResult typo = Lint({"--rule", "drop-tabel", "m.sql"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("--rule names `drop-tabel`, which is no rule (did you mean `drop-table`?)"),
            std::string::npos)
      << typo.err;
}

TEST_F(LintConveniences, EachFindingLinksItsDocumentation) {
  Write("m.sql", "SET lock_timeout = '2s';\nDROP TABLE t;\n");
  const std::string anchor = "/docs/rules.md#drop-table";
  const ProcessResult text = Lint({"m.sql"});
  EXPECT_NE(text.out.find("= docs: https://github.com/pgshift/pgshift/blob/v"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(anchor), std::string::npos);
  const auto json = nlohmann::json::parse(Lint({"--format", "json", "m.sql"}).out);
  const std::string docs = json["findings"][0]["docs"];
  EXPECT_EQ(docs.substr(docs.size() - anchor.size()), anchor);
}

TEST_F(LintConveniences, DidYouMeanForCommandsKeysAndRules) {
  const ProcessResult command = RunPgshift({"lnt", "x.sql"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_NE(command.err.find("unknown command `lnt` (did you mean `lint`?)"), std::string::npos)
      << command.err;
  Write("db/pgshift.toml", "pg_versoin = 15\n[rules]\ndisable = [\"drop-colum\"]\n");
  Write("db/a.sql", "SELECT 1;\n");
  const ProcessResult config = Lint({"db"});
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.err.find("unknown key `pg_versoin` (did you mean `pg_version`?)"),
            std::string::npos)
      << config.err;
  EXPECT_NE(config.err.find("names `drop-colum`, which is no rule (did you mean `drop-column`?)"),
            std::string::npos)
      << config.err;
  // A suppression naming a misspelt rule.
  Write("s.sql", "-- pgshift-ignore drop-tables: gone\nDROP TABLE t;\n");
  const ProcessResult suppression = Lint({"--format", "compact", "s.sql"});
  EXPECT_NE(suppression.out.find("`drop-tables`, which is no rule (did you mean `drop-table`?)"),
            std::string::npos)
      << suppression.out;
  // Nothing near: no suggestion.
  EXPECT_EQ(rules::ClosestName("frobnicate", rules::RuleIds()), std::nullopt);
  EXPECT_EQ(rules::ClosestName("rename-colum", rules::RuleIds()), "rename-column");
}

TEST_F(LintConveniences, EveryConfigurationErrorInOneRun) {
  Write("pgshift.toml",
        "pg_version = 9\nbogus = 1\ntransactions = \"always\"\n[rules]\nenable = [\"nope\"]\n"
        "[runner]\nretries = -1\n");
  Write("a.sql", "SELECT 1;\n");
  const ProcessResult r = Lint({"a.sql"});
  EXPECT_EQ(r.exit_code, 2);
  for (const std::string expected :
       {"pgshift.toml:1:", "pgshift.toml:2:1: unknown key `bogus`", "pgshift.toml:3:",
        "pgshift.toml:5:", "pgshift.toml:7:"}) {
    EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n" << r.err;
  }
  // Two files under two bad configurations: both reported.
  Write("x/pgshift.toml", "wrong = 1\n");
  Write("x/b.sql", "SELECT 1;\n");
  const ProcessResult both = Lint({"a.sql", "x/b.sql"});
  EXPECT_NE(both.err.find("unknown key `bogus`"), std::string::npos) << both.err;
  EXPECT_NE(both.err.find("unknown key `wrong`"), std::string::npos) << both.err;
}

TEST_F(LintConveniences, ADirectoryWithoutSqlIsAUsageError) {
  fs::create_directories(dir_ / "empty");
  Write("docs/readme.md", "no sql here\n");
  const ProcessResult r = Lint({"empty", "docs"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("empty: holds no .sql file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("docs: holds no .sql file"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("No findings"), std::string::npos);
}

TEST_F(LintConveniences, StaleBaselineEntriesAreReported) {
  Write("db/V1__a.sql", "SET lock_timeout = '1s';\nDROP TABLE a;\nDROP TABLE b;\n");
  ASSERT_EQ(RunPgshift({"baseline", "db"}, {.cwd = dir_.string()}).exit_code, 0);
  EXPECT_EQ(Lint({"db", "--baseline", "pgshift-baseline.json"}).err.find("no longer occur"),
            std::string::npos);
  Write("db/V1__a.sql", "SET lock_timeout = '1s';\nDROP TABLE a;\n");  // b's drop is gone
  const ProcessResult r = Lint({"db", "--baseline", "pgshift-baseline.json"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find("accepted finding(s) no longer occur"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("db/V1__a.sql:3: [drop-table] Dropping table b"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Dropping table a"), std::string::npos) << r.err;
  // Entries of files not linted this time, or of rules left out, are not called stale.
  Write("other/x.sql", "SELECT 1;\n");
  EXPECT_EQ(Lint({"other", "--baseline", "pgshift-baseline.json"}).err.find("no longer occur"),
            std::string::npos);
}

TEST_F(LintConveniences, SquawkSuppressionsAreHonoured) {
  Write("m.sql",
        "SET lock_timeout = '2s';\n"
        "-- squawk-ignore ban-drop-column, renaming-column\n"
        "ALTER TABLE t DROP COLUMN c;\n"
        "ALTER TABLE t RENAME COLUMN a TO b;\n"
        "-- squawk-ignore require-concurrent-index-creation\n"
        "CREATE INDEX i ON t (a);\n"
        "-- squawk-ignore prefer-robust-stmts\n"
        "DROP TABLE u;\n");
  // Only the next statement is covered; prefer-robust-stmts has no counterpart and is no
  // finding of its own (Squawk asks no reason).
  EXPECT_EQ(Rules(Lint({"--format", "json", "m.sql"})),
            (std::vector<std::string>{"rename-column", "drop-table"}));
  Write("f.sql", "-- squawk-ignore-file ban-drop-table\nDROP TABLE a;\nDROP TABLE b;\n");
  EXPECT_EQ(Rules(Lint({"--format", "json", "--exclude-rule", "missing-lock-timeout", "f.sql"})),
            std::vector<std::string>{});
  Write("all.sql", "-- squawk-ignore-file\nDROP TABLE a;\n");
  EXPECT_EQ(Rules(Lint({"--format", "json", "all.sql"})), std::vector<std::string>{});
}

TEST_F(LintConveniences, TheSquawkTableNamesRealRulesAndIsDocumented) {
  std::ifstream in(fs::path(PGSHIFT_SOURCE_DIR) / "docs" / "configuration.md");
  const std::string docs((std::istreambuf_iterator<char>(in)), {});
  for (const rules::SquawkRule& rule : rules::SquawkRules()) {
    std::string row = "| `" + std::string(rule.squawk) + "` | ";
    if (rule.pgshift.empty()) row += "none";
    for (std::size_t i = 0; i < rule.pgshift.size(); ++i) {
      EXPECT_NE(rules::FindRule(rule.pgshift[i]), nullptr) << rule.pgshift[i];
      row += (i == 0 ? "" : ", ") + ("[`" + std::string(rule.pgshift[i]) + "`](rules.md#" +
                                      std::string(rule.pgshift[i]) + ")");
    }
    EXPECT_NE(docs.find(row + " |"), std::string::npos) << row;
  }
}

TEST_F(LintConveniences, NoColourOnADumbTerminal) {
  Write("a.sql", "DROP TABLE t;\n");
  // A real terminal (script(1) gives pgshift a pseudo-terminal): colour, unless TERM says the
  // terminal cannot show it, or NO_COLOR asks for none.
  const auto on_terminal = [&](std::map<std::string, std::string> env) {
    const char* other = std::getenv("PGSHIFT_TEST_BINARY");
    const std::string binary = other != nullptr && *other != '\0' ? other : PGSHIFT_BINARY;
    env["NO_COLOR"] = env.count("NO_COLOR") > 0 ? env["NO_COLOR"] : "";
    return RunProcess({"script", "-qec", binary + " lint a.sql", "/dev/null"},
                      {.env = env, .cwd = dir_.string()});
  };
  const ProcessResult xterm = on_terminal({{"TERM", "xterm"}});
  ASSERT_TRUE(xterm.started) << xterm.error;
  EXPECT_NE(xterm.out.find("\x1b["), std::string::npos) << xterm.out;
  EXPECT_EQ(on_terminal({{"TERM", "dumb"}}).out.find("\x1b["), std::string::npos);
  EXPECT_EQ(on_terminal({{"TERM", "xterm"}, {"NO_COLOR", "1"}}).out.find("\x1b["),
            std::string::npos);
  // `always` means always.
  EXPECT_NE(Lint({"--color", "always", "a.sql"}, {.env = {{"TERM", "dumb"}}}).out.find("\x1b["),
            std::string::npos);
}

}  // namespace
}  // namespace pgshift::testing
