// The reports CI systems read (GitHub annotations, GitLab code quality), held to what those
// systems require: GitHub's columns only on one line, GitLab's fingerprints stable across edits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/render/renderer.h"
#include "cli/render/report_paths.h"
#include "rules/engine.h"
#include "tests/support/process.h"

namespace pgshift::cli {
namespace {

namespace fs = std::filesystem;

std::vector<LintedFile> Lint(const std::string& path, const std::string& sql) {
  parser::SourceText source(path, sql);
  rules::LintSettings settings;
  settings.disabled.insert("missing-lock-timeout");
  rules::FileReport report = rules::LintSource(source, settings);
  std::vector<LintedFile> files;
  files.push_back({std::move(source), std::move(report)});
  return files;
}

std::string RenderTo(Format format, const std::vector<LintedFile>& files,
                     const fs::path& root = {}) {
  std::ostringstream out;
  Render(format, files, {false, false, root}, out);
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(GithubAnnotations, NoColumnsWhenAFindingSpansLines) {
  const std::string out =
      RenderTo(Format::kGithub, Lint("m.sql", "DROP TABLE t;\nCREATE INDEX i\n  ON u (a);\n"));
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 2u) << out;
  EXPECT_EQ(lines[0].rfind("::error file=m.sql,line=1,col=1,endLine=1,endColumn=13,", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[1].rfind("::error file=m.sql,line=2,endLine=3,title=", 0), 0u) << lines[1];
  EXPECT_EQ(lines[1].find("col="), std::string::npos);
  EXPECT_EQ(lines[1].find("endColumn="), std::string::npos);
}

TEST(GithubAnnotations, AColumnFindingPointsAtTheColumnDefinition) {
  // serial-column and json-column are about one column each, inside a CREATE TABLE of several
  // lines: the annotation is on the column's line, from its name to the end of its definition.
  rules::LintSettings settings;
  settings.enabled.insert("json-column");
  parser::SourceText source("t.sql",
                            "CREATE TABLE t (\n  id bigint PRIMARY KEY,\n  doc json NOT NULL,\n"
                            "  note text\n);\n");
  rules::FileReport report = rules::LintSource(source, settings);
  std::vector<LintedFile> files;
  files.push_back({std::move(source), std::move(report)});
  const std::string out = RenderTo(Format::kGithub, files);
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_EQ(lines[0].rfind("::notice file=t.sql,line=3,col=3,endLine=3,endColumn=20,title=pgshift "
                           "json-column::",
                           0),
            0u)
      << lines[0];
}

TEST(GithubAnnotations, PathsAreRelativeToTheRepositoryRoot) {
  const fs::path root = fs::current_path();
  for (const std::string& spelt : {std::string("./db/../db/m.sql"), (root / "db/m.sql").string()}) {
    const std::string out = RenderTo(Format::kGithub, Lint(spelt, "DROP TABLE t;\n"), root);
    EXPECT_EQ(out.rfind("::error file=db/m.sql,line=1,", 0), 0u) << spelt << ": " << out;
  }
}

TEST(GitlabCodeQuality, FingerprintsSurviveLinesAddedAbove) {
  const std::string sql = "DROP TABLE t;\nDROP TABLE t;\nALTER TABLE u DROP COLUMN c;\n";
  const auto before = nlohmann::json::parse(RenderTo(Format::kGitlab, Lint("db/m.sql", sql)));
  const auto after = nlohmann::json::parse(RenderTo(
      Format::kGitlab,
      Lint("db/m.sql", "-- a comment\nSELECT 1;\n\n" + std::string("DROP   TABLE t;\n") + sql.substr(14) )));
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(after.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(before[i]["fingerprint"], after[i]["fingerprint"]) << i;
    EXPECT_EQ(after[i]["location"]["lines"]["begin"].get<int>(),
              before[i]["location"]["lines"]["begin"].get<int>() + 3);
  }
  // The same statement twice: two findings, told apart by which occurrence they are.
  EXPECT_NE(before[0]["fingerprint"], before[1]["fingerprint"]);
  // A changed statement is a new finding.
  const auto changed = nlohmann::json::parse(
      RenderTo(Format::kGitlab, Lint("db/m.sql", "DROP TABLE t2;\n")));
  EXPECT_NE(changed[0]["fingerprint"], before[0]["fingerprint"]);
}

TEST(GitlabCodeQuality, FingerprintsAndPathsDoNotDependOnHowThePathIsSpelt) {
  const fs::path root = fs::current_path();
  const std::string sql = "DROP TABLE t;\n";
  std::vector<nlohmann::json> reports;
  for (const std::string& path :
       std::vector<std::string>{"db/m.sql", "./db/m.sql", "db/../db/m.sql", (root / "db" / "m.sql").string()}) {
    reports.push_back(nlohmann::json::parse(RenderTo(Format::kGitlab, Lint(path, sql), root)));
  }
  for (const auto& report : reports) {
    EXPECT_EQ(report[0]["location"]["path"], "db/m.sql");
    EXPECT_EQ(report[0]["fingerprint"], reports[0][0]["fingerprint"]);
  }
}

TEST(GitlabCodeQuality, EndToEndAFileEditedAboveKeepsItsFingerprint) {
  // The binary, run in a directory that is no git repository: paths relative to it.
  const fs::path dir = fs::temp_directory_path() / ("pgshift-gitlab-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "db");
  const auto run = [&](const std::string& path) {
    const auto r = testing::RunPgshift({"lint", "--format", "gitlab", path}, {.cwd = dir.string()});
    return nlohmann::json::parse(r.out);
  };
  std::ofstream(dir / "db" / "V1.sql") << "SET lock_timeout = '1s';\nDROP TABLE t;\n";
  const auto first = run("db/V1.sql");
  std::ofstream(dir / "db" / "V1.sql")
      << "-- why: t is gone from the code\n\nSET lock_timeout = '1s';\n\nDROP TABLE t;\n";
  const auto second = run("./db/V1.sql");
  const auto third = run((dir / "db" / "V1.sql").string());
  fs::remove_all(dir);
  ASSERT_EQ(first.size(), 1u) << first.dump();
  EXPECT_EQ(second[0]["fingerprint"], first[0]["fingerprint"]);
  EXPECT_EQ(third[0]["fingerprint"], first[0]["fingerprint"]);
  EXPECT_EQ(third[0]["location"]["path"], "db/V1.sql");
  EXPECT_EQ(second[0]["location"]["lines"]["begin"], 5);
}

}  // namespace
}  // namespace pgshift::cli
