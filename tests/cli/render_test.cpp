#include "cli/render/renderer.h"

#include "cli/render/json_stream.h"

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

// A finding on a very long line shows a window of it, not the whole line for every finding.
TEST(Render, TextShowsAWindowOfALongLine) {
  std::string sql;
  for (int i = 0; i < 20000; ++i) sql += "DROP TABLE t" + std::to_string(i) + "; ";
  const std::string out = RenderTo(Format::kText, Lint(sql));
  EXPECT_LT(out.size(), 20000u * 1000u) << "every finding printed the whole line";
  const std::size_t at = out.find("db/m1.sql:1:8000:");
  ASSERT_NE(at, std::string::npos);
  const std::string finding = out.substr(at, out.find("\n\n", at) - at);
  EXPECT_NE(finding.find(" 1 | ..."), std::string::npos) << finding;
  EXPECT_NE(finding.find("...\n"), std::string::npos) << finding;
  EXPECT_LT(finding.size(), 1000u) << finding;
  // The carets sit under the finding's statement, past the "..." of the cut.
  const std::size_t statement = finding.find("DROP TABLE t477;");
  const std::size_t carets = finding.find("^^^^^^^^^^^^^^^");
  ASSERT_NE(statement, std::string::npos) << finding;
  ASSERT_NE(carets, std::string::npos) << finding;
  EXPECT_EQ(carets - finding.rfind('\n', carets), statement - finding.rfind('\n', statement))
      << finding;
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

// Streaming writes what dump(2) of the whole document writes, wherever the array sits.
TEST(StreamedJson, WritesWhatDumpWrites) {
  const std::vector<nlohmann::json> elements = {
      {{"a", 1}, {"b", {{"c", "x\ny"}, {"d", nlohmann::json::array()}}}}, 2, "three", {1, 2}};
  for (std::size_t count : {0, 1, 4}) {
    const std::vector<nlohmann::json> some(elements.begin(), elements.begin() + count);
    const nlohmann::json shapes[] = {
        kStreamedArray,
        {{"findings", kStreamedArray}, {"version", 1}},
        {{"runs", {{{"tool", "t"}, {"results", kStreamedArray}, {"z", {1, 2}}}}}},
    };
    for (const nlohmann::json& shape : shapes) {
      std::string whole = shape.dump();
      const std::string quoted = "\"" + std::string(kStreamedArray) + "\"";
      whole.replace(whole.find(quoted), quoted.size(), nlohmann::json(some).dump());
      std::ostringstream out;
      WriteStreamedJson(out, shape, [&](const auto& emit) {
        for (const nlohmann::json& e : some) emit(e);
      });
      EXPECT_EQ(out.str(), nlohmann::json::parse(whole).dump(2)) << shape.dump();
    }
  }
}

}  // namespace
}  // namespace pgshift::cli
