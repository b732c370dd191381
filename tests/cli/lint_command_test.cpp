// End to end: the pgshift binary as a CI gate runs it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

class LintCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-cli-" + std::to_string(::getpid()) + "-" +
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
  fs::path dir_;
};

TEST_F(LintCommand, CleanFileExitsZero) {
  const ProcessResult r = RunPgshift({"lint", Write("ok.sql", "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN a text;\n")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No findings in 1 file"), std::string::npos);
}

TEST_F(LintCommand, ErrorFindingsExitOne) {
  const ProcessResult r = RunPgshift({"lint", Write("bad.sql", "DROP TABLE t;\n")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("error[drop-table]"), std::string::npos);
}

TEST_F(LintCommand, FailOnControlsTheExitCode) {
  const std::string path = Write("warn.sql", "-- pgshift-ignore drop-table\nDROP TABLE t;\n");
  EXPECT_EQ(RunPgshift({"lint", path}).exit_code, 0);  // a warning alone does not fail
  EXPECT_EQ(RunPgshift({"lint", "--fail-on", "warning", path}).exit_code, 1);
  EXPECT_EQ(RunPgshift({"lint", "--fail-on", "never", Write("e.sql", "DROP TABLE t;")}).exit_code, 0);
}

TEST_F(LintCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(RunPgshift({"lint"}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"lint", "--format", "xml", Write("a.sql", "")}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunPgshift({"explain", "no-such-rule"}).exit_code, 2);
}

TEST_F(LintCommand, ConfigErrorsExitTwoAndNameTheKey) {
  Write("pgshift.toml", "pg_version = 15\nbogus = true\n");
  const ProcessResult r = RunPgshift({"lint", Write("m/a.sql", "SELECT 1;")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("pgshift.toml:2:1: unknown key `bogus`"), std::string::npos) << r.err;
}

TEST_F(LintCommand, ConfigAppliesToFilesBelowIt) {
  Write("pgshift.toml", "[rules]\ndisable = [\"drop-table\"]\n");
  EXPECT_EQ(RunPgshift({"lint", Write("m/a.sql", "DROP TABLE t;")}).exit_code, 0);
}

TEST_F(LintCommand, UnreadableInputExitsThree) {
  EXPECT_EQ(RunPgshift({"lint", (dir_ / "missing.sql").string()}).exit_code, 3);
  const ProcessResult r = RunPgshift({"lint", Write("bin.sql", std::string("SELECT 1;\nSE\0LECT", 17))});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("bin.sql:2:3: NUL byte in SQL text"), std::string::npos) << r.out;
  // Other files are still checked.
  const ProcessResult both = RunPgshift({"lint", "--format", "json", Write("x.sql", "\xff"),
                                         Write("y.sql", "SET lock_timeout = '2s'; DROP TABLE t;")});
  EXPECT_EQ(both.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(both.out)["findings"].size(), 1u);
  EXPECT_NE(both.err.find("invalid UTF-8"), std::string::npos);
}

TEST_F(LintCommand, DirectoriesAreSearchedForSqlFilesInOrder) {
  Write("db/002_b.sql", "SET lock_timeout = '2s'; DROP TABLE b;");
  Write("db/001_a.sql", "SET lock_timeout = '2s'; DROP TABLE a;");
  Write("db/nested/003_c.sql", "SET lock_timeout = '2s'; DROP TABLE c;");
  Write("db/notes.txt", "DROP TABLE ignored;");
  const ProcessResult r = RunPgshift({"lint", "--format", "json", (dir_ / "db").string()});
  const auto findings = nlohmann::json::parse(r.out)["findings"];
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_NE(findings[0]["file"].get<std::string>().find("001_a.sql"), std::string::npos);
  EXPECT_NE(findings[2]["file"].get<std::string>().find("nested/003_c.sql"), std::string::npos);
}

TEST_F(LintCommand, StdinWithAFileName) {
  const ProcessResult r = RunPgshift({"lint", "--stdin-filename", "db/x.sql", "-"},
                                     {.stdin_data = "DROP TABLE t;"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("db/x.sql:1:1: error[drop-table]"), std::string::npos) << r.out;
}

TEST_F(LintCommand, NoColorOnAPipeAndWithNoColor) {
  const std::string path = Write("a.sql", "DROP TABLE t;");
  EXPECT_EQ(RunPgshift({"lint", path}).out.find("\x1b["), std::string::npos);
  EXPECT_NE(RunPgshift({"lint", "--color", "always", path}).out.find("\x1b["), std::string::npos);
}

TEST_F(LintCommand, OutputFileForSarifUpload) {
  const std::string report = (dir_ / "report.sarif").string();
  const ProcessResult r = RunPgshift({"lint", "--format", "sarif", "-o", report,
                                      Write("a.sql", "SET lock_timeout = '2s'; DROP TABLE t;")});
  EXPECT_EQ(r.exit_code, 1);
  std::ifstream in(report);
  const auto sarif = nlohmann::json::parse(in);
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 1u);
}

TEST_F(LintCommand, VersionHelpRulesExplain) {
  const ProcessResult version = RunPgshift({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("pgshift ", 0), 0u);
  for (const char* command : {"lint", "rules", "explain"}) {
    const ProcessResult help = RunPgshift({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << command;
  }
  EXPECT_NE(RunPgshift({"rules"}).out.find("drop-column"), std::string::npos);
  const ProcessResult explain = RunPgshift({"explain", "set-not-null"});
  EXPECT_EQ(explain.exit_code, 0);
  EXPECT_NE(explain.out.find("VALIDATE CONSTRAINT"), std::string::npos);
}

TEST_F(LintCommand, VerboseNotesSkippedMetaCommands) {
  const ProcessResult r = RunPgshift({"lint", "-v", Write("p.sql", "\\set x 1\nSELECT 1;")});
  EXPECT_NE(r.out.find("skipped psql meta-command \\set x 1"), std::string::npos) << r.out;
}

// An input over a quarter of max_memory is refused before it is read: exit 3, with the limit.
TEST_F(LintCommand, InputsOverTheMemoryLimitAreRefusedUnread) {
  const std::string big = Write("big.sql", std::string(17 << 20, '\n') + "DROP TABLE t;\n");
  const ProcessResult r = RunPgshift({"lint", "--no-history", "--max-memory", "64MiB", big});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("big.sql: 17.0 MB, over the 16.0 MB pgshift reads from one file"),
            std::string::npos)
      << r.out;
  // Standard input is read only up to the limit.
  const ProcessResult piped = RunPgshift({"lint", "--max-memory", "64MiB", "-"},
                                         {std::string(17 << 20, ' '), {}, {}});
  EXPECT_EQ(piped.exit_code, 3) << piped.out << piped.err;
  EXPECT_NE(piped.out.find("<stdin>: more than the 16.0 MB pgshift reads"), std::string::npos) << piped.out;
  // With room, the same file is linted.
  const ProcessResult roomy = RunPgshift({"lint", "--no-history", "--max-memory", "1GiB", big});
  EXPECT_EQ(roomy.exit_code, 1) << roomy.out << roomy.err;
  EXPECT_NE(roomy.out.find("error[drop-table]"), std::string::npos);
}

TEST_F(LintCommand, MaxMemoryMustBeASize) {
  const std::string sql = Write("a.sql", "SELECT 1;\n");
  for (const char* bad : {"lots", "1KB", "-5GB"}) {
    const ProcessResult r = RunPgshift({"lint", "--max-memory", bad, sql});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("--max-memory must be a size"), std::string::npos) << r.err;
  }
  Write("pgshift.toml", "max_memory = \"a lot\"\n");
  const ProcessResult r = RunPgshift({"lint", sql});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("pgshift.toml:1:14: `max_memory` must be a size"), std::string::npos)
      << r.err;
}

// Regression: a file name that is not UTF-8 aborted the JSON, SARIF and GitLab reports (the JSON
// library refused to print it). The bytes it cannot print are replaced with U+FFFD.
TEST_F(LintCommand, FileNamesThatAreNotUtf8StillGiveValidJsonReports) {
  const std::string path = Write("caf\xe9.sql", "CREATE INDEX i ON t (a);\n");
  for (const char* format : {"json", "sarif", "gitlab"}) {
    const ProcessResult r = RunPgshift({"lint", "--format", format, path});
    EXPECT_EQ(r.exit_code, 1) << format << ": " << r.err;
    EXPECT_TRUE(nlohmann::json::accept(r.out)) << format << ": " << r.out;
    // SARIF percent-encodes the byte in its URI; the others print U+FFFD.
    const std::string expected =
        std::string(format) == "sarif" ? "caf%E9.sql" : "caf\xef\xbf\xbd.sql";
    EXPECT_NE(r.out.find(expected), std::string::npos) << format << ": " << r.out;
  }
}

}  // namespace
}  // namespace pgshift::testing
