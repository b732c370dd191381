// A report written as the files are done (ReportSink, PreparedLint::LintEach), each file's part
// made by the thread that finished it, is the report written from every file at once (Render of
// Lint()), with the baseline's effect the same.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/render/renderer.h"
#include "cli/render/report_sink.h"
#include "tests/support/workspace.h"
#include "workspace/baseline.h"
#include "workspace/lint_run.h"

namespace pgshift::cli {
namespace {

using workspace::PreparedLint;

PreparedLint Prepared(const std::vector<std::string>& paths, const std::string& baseline,
                      unsigned jobs) {
  workspace::LintRequest request;
  request.paths = paths;
  request.baseline = baseline;
  request.jobs = jobs;
  auto prepared = PreparedLint::Prepare(request);
  EXPECT_TRUE(std::holds_alternative<PreparedLint>(prepared));
  PreparedLint run = std::get<PreparedLint>(std::move(prepared));
  EXPECT_TRUE(run.input_errors().empty());
  return run;
}

TEST(StreamedReport, IsTheReportOfEveryFileAtOnce) {
  const testing::Workspace ws("streamed");
  // Three histories of different lengths, so that they finish out of order on several threads,
  // a file that cannot be parsed, and a folder of plain files.
  for (int h = 0; h < 3; ++h) {
    for (int i = 0; i < 10 + 25 * h; ++i) {
      ws.Write("h" + std::to_string(h) + "/V" + std::to_string(i + 1) + "__m.sql",
               "CREATE TABLE IF NOT EXISTS t" + std::to_string(i % 4) + " (id int);\n"
               "CREATE INDEX ON t" + std::to_string(i % 4) + " (id);\n" +
               (i % 9 == 4 ? "ALTER TABLE t0 ADD COLUMN ;\n" : "") +
               (i % 5 == 0 ? "ALTER TABLE t1 ADD COLUMN c" + std::to_string(i) + " int NOT NULL;\n" : ""));
    }
  }
  ws.Write("plain/a.sql", "DROP TABLE users;\n");
  ws.Write("plain/b.sql", "SELECT 1;\n");
  const std::vector<std::string> paths = {(ws.dir() / "h2").string(), (ws.dir() / "plain").string(),
                                          (ws.dir() / "h0").string(), (ws.dir() / "h1").string()};
  // A baseline accepting part of what is found, with an entry that no longer occurs.
  const std::string baseline = (ws.dir() / "baseline.json").string();
  {
    PreparedLint run = Prepared(paths, "", 1);
    std::vector<workspace::LintedFile> files = run.Lint();
    ASSERT_EQ(files.size(), 2u + 10 + 35 + 60);
    std::size_t findings = 0;
    for (const auto& f : files) findings += f.report.findings.size();
    ASSERT_GT(findings, 20u) << files.front().report.path;
    files.erase(files.begin() + static_cast<std::ptrdiff_t>(files.size() / 2), files.end());
    std::vector<workspace::BaselineEntry> entries = workspace::BaselineOf(files, baseline);
    ASSERT_GT(entries.size(), 3u);
    entries.push_back(entries.front());
    entries.back().fingerprint = "0000000000000000";
    ws.Write("baseline.json", workspace::BaselineJson(entries));
  }
  for (const Format format : {Format::kText, Format::kCompact, Format::kJson}) {
    for (const unsigned jobs : {1u, 2u, 4u}) {
      const RenderOptions options{false, true, {}};
      PreparedLint collected = Prepared(paths, baseline, jobs);
      std::ostringstream all;
      Render(format, collected.Lint(), options, all);
      collected.NoteBaseline();

      PreparedLint streamed = Prepared(paths, baseline, jobs);
      std::ostringstream each;
      const auto writer = MakeReportWriter(format, options, each);
      ASSERT_NE(writer, nullptr);
      bool planned = false;
      std::size_t files = 0;
      ReportSink sink(*writer, [&](const FileFacts&) {
        EXPECT_TRUE(planned) << "a file came before the plan's notes";
        ++files;
      });
      streamed.LintEach(sink, [&] {
        planned = true;
        EXPECT_FALSE(streamed.notes().empty());  // the tool of each history is named
      });
      streamed.NoteBaseline();
      writer->Finish();
      EXPECT_EQ(files, 2u + 10 + 35 + 60);
      EXPECT_EQ(each.str(), all.str()) << "format " << static_cast<int>(format) << ", -j " << jobs;
      EXPECT_EQ(streamed.warnings(), collected.warnings());  // one stale entry, named
      EXPECT_EQ(streamed.notes(), collected.notes());        // how many the baseline hid
      EXPECT_NE(all.str().find("drop-table"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace pgshift::cli
