#include "cli/render/renderer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace pgshift::cli {
namespace {

std::vector<LintedFile> Lint(const std::string& sql) {
  parser::SourceText source("db/m1.sql", sql);
  rules::LintSettings settings;
  settings.disabled.insert("missing-lock-timeout");  // one finding per statement keeps counts simple
  rules::FileReport report = rules::LintSource(source, settings);
  std::vector<LintedFile> files;
  files.push_back({std::move(source), std::move(report)});
  return files;
}

std::string RenderTo(Format format, const std::vector<LintedFile>& files, bool color = false) {
  std::ostringstream out;
  Render(format, files, {color, false}, out);
  return out.str();
}

TEST(Render, TextShowsTheSnippetLockAndHelp) {
  const std::string out = RenderTo(Format::kText, Lint("SELECT 1;\nCREATE INDEX i ON users (a);\n"));
  EXPECT_NE(out.find("db/m1.sql:2:1: error[non-concurrent-index-creation]"), std::string::npos) << out;
  EXPECT_NE(out.find(" 2 | CREATE INDEX i ON users (a);"), std::string::npos) << out;
  EXPECT_NE(out.find("   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^"), std::string::npos) << out;
  EXPECT_NE(out.find("= lock: takes SHARE on users"), std::string::npos);
  EXPECT_NE(out.find("CREATE INDEX CONCURRENTLY i ON users (a);"), std::string::npos);
  EXPECT_EQ(out.find("\x1b["), std::string::npos);
  EXPECT_NE(RenderTo(Format::kText, Lint("DROP TABLE t;"), true).find("\x1b["), std::string::npos);
}

TEST(Render, JsonFollowsTheDocumentedSchema) {
  const auto json = nlohmann::json::parse(RenderTo(Format::kJson, Lint("DROP TABLE t;")));
  EXPECT_EQ(json["version"], 1);
  const auto& f = json["findings"][0];
  for (const char* key : {"rule", "severity", "message", "help", "lock", "file", "line", "column",
                          "end_line", "end_column"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(f["rule"], "drop-table");
  EXPECT_EQ(f["file"], "db/m1.sql");
  EXPECT_EQ(json["summary"]["errors"], 1);
}

TEST(Render, SarifIsVersion210WithRulesAndRegions) {
  const auto sarif = nlohmann::json::parse(RenderTo(Format::kSarif, Lint("\nDROP TABLE t;")));
  EXPECT_EQ(sarif["version"], "2.1.0");
  const auto& run = sarif["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "pgshift");
  EXPECT_GE(run["tool"]["driver"]["rules"].size(), 10u);
  const auto& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "drop-table");
  EXPECT_EQ(result["level"], "error");
  const std::size_t index = result["ruleIndex"];
  EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], "drop-table");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
}

TEST(Render, GithubEscapesWorkflowCommands) {
  const std::string out = RenderTo(Format::kGithub, Lint("DROP TABLE t;"));
  EXPECT_EQ(out.rfind("::error file=db/m1.sql,line=1,col=1,endLine=1,endColumn=13,title=pgshift drop-table::", 0), 0u) << out;
  EXPECT_NE(out.find("%0A"), std::string::npos);  // newlines in the body are escaped
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(Render, GitlabCodeQuality) {
  const auto issues = nlohmann::json::parse(RenderTo(Format::kGitlab, Lint("DROP TABLE t;\nDROP TABLE u;")));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0]["check_name"], "drop-table");
  EXPECT_EQ(issues[0]["severity"], "critical");
  EXPECT_EQ(issues[0]["location"]["path"], "db/m1.sql");
  EXPECT_EQ(issues[1]["location"]["lines"]["begin"], 2);
  EXPECT_NE(issues[0]["fingerprint"], issues[1]["fingerprint"]);
  EXPECT_EQ(issues[0]["fingerprint"].get<std::string>().size(), 16u);
}

}  // namespace
}  // namespace pgshift::cli
