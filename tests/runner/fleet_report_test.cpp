// `pgshift report` end to end: a real three-target fleet run fills the journal, the report is
// written, and headless Chromium opens it: the page renders one timeline row per target, its
// script runs without a console error, and a screenshot is taken; a plain run's report has its
// one target's row. Skipped, saying why, only where no `chromium` is installed (ci/install-deps
// installs it).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/workspace.h"

namespace pgshift::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(path)) return path;
  return "";
}

// Headless Chromium on `page` with `extra` arguments, bounded in time; console messages go to its
// standard error.
ProcessResult Browse(const Workspace& workspace, const std::string& page,
                     const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"timeout",
                                   "60",
                                   Chromium(),
                                   "--headless",
                                   "--disable-gpu",
                                   "--no-sandbox",
                                   "--no-first-run",
                                   "--disable-extensions",
                                   "--user-data-dir=" + (workspace.dir() / "chromium").string(),
                                   "--enable-logging=stderr",
                                   "--v=0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("file://" + page);
  ProcessOptions options;
  options.env["HOME"] = workspace.dir().string();
  return RunProcess(argv, options);
}

// A line the page's console wrote (Chromium logs them as "...:CONSOLE(line)] ..." on stderr).
std::string ConsoleLines(const std::string& log) {
  std::string lines, line;
  for (std::size_t start = 0; start < log.size();) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    line = log.substr(start, end - start);
    if (Contains(line, "CONSOLE(") || Contains(line, "Uncaught")) lines += line + "\n";
    start = end + 1;
  }
  return lines;
}

const char* kPlan = R"toml(
id = "report-demo"
[[stage]]
id = "add"
phase = "expand"
sql = "ALTER TABLE t ADD COLUMN c int"
rollback = "ALTER TABLE t DROP COLUMN c"
[[stage]]
id = "default"
phase = "switch"
sql = "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0"
rollback = "ALTER TABLE t ALTER COLUMN c DROP DEFAULT"
)toml";

TEST(FleetReport, FleetAndPlainRunsRenderInHeadlessChromiumWithARowPerTarget) {
  if (Chromium().empty()) GTEST_SKIP() << "no chromium installed (ci/install-deps installs it)";
  const auto start = Clock::now();
  Workspace workspace("fleet-report");
  const std::string base = SharedServer().url;
  auto admin = ConnectTo(base);
  ASSERT_TRUE(admin);
  std::vector<std::string> urls;
  for (int i = 0; i < 3; ++i) {
    const std::string name = "report_fleet_" + std::to_string(i);
    Sql(*admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    Sql(*admin, "CREATE DATABASE " + name);
    urls.push_back(WithDatabase(base, name));
    auto db = ConnectTo(urls.back());
    ASSERT_TRUE(db);
    Sql(*db, "CREATE TABLE t (id bigint PRIMARY KEY)");
  }
  // A target name that is markup, and a password: neither may reach the page as written.
  const std::string secret_url = "postgresql://postgres:r3p0rt-pw@" +
                                 urls[0].substr(std::string("postgresql://postgres@").size());
  const std::string plan = workspace.Write("plan.toml", kPlan);
  const std::string fleet = workspace.Write(
      "fleet.toml",
      "soak = \"300ms\"\ncheck_every = \"100ms\"\ngate = \"SELECT true\"\n"
      "[[wave]]\nname = \"canary\"\ntargets = [{ name = \"<b id='evil'>canary</b>\", url = \"" +
          secret_url + "\" }]\n[[wave]]\nname = \"rest\"\ntargets = [\"" + urls[1] + "\", \"" +
          urls[2] + "\"]\n");
  const ProcessResult run = workspace.Pgshift({"run", plan, "--fleet", fleet});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;

  const std::string page = (workspace.dir() / "report.html").string();
  const ProcessResult report = workspace.Pgshift({"report", "--last", "-o", page});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_TRUE(Contains(report.out, "wrote " + page)) << report.out;
  const std::string html = ReadAll(page);
  // The same run by its id, as `history` numbers it, printed instead of written.
  EXPECT_TRUE(workspace.Pgshift({"history"}).out.rfind("#1  ", 0) == 0);
  EXPECT_EQ(workspace.Pgshift({"report", "--run", "1", "-o", "-"}).out, html);
  const ProcessResult missing = workspace.Pgshift({"report", "--run", "99"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Contains(missing.err, "no run #99")) << missing.err;
  EXPECT_TRUE(Contains(html, "&lt;b id=&#39;evil&#39;&gt;canary&lt;/b&gt;"));
  EXPECT_FALSE(Contains(html, "<b id='evil'>"));
  EXPECT_FALSE(Contains(html, "r3p0rt-pw"));
  // Self-contained: nothing to fetch.
  EXPECT_FALSE(Contains(html, " src=")) << "the page loads something";
  EXPECT_FALSE(Contains(html, "<link")) << "the page loads something";
  EXPECT_EQ(Count(html, "<tr class=\"target\">"), 3u);
  EXPECT_EQ(Count(html, "class=\"bar\"><rect class=\"done\""), 6u);  // 2 stages x 3 targets
  EXPECT_TRUE(Contains(html, "soak")) << "the canary's soak is missing";

  const auto browser_start = Clock::now();
  const ProcessResult dom = Browse(workspace, page, {"--dump-dom"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_TRUE(Contains(dom.out, "data-rendered=\"yes\"")) << "the page's script did not run";
  EXPECT_TRUE(Contains(dom.out, "data-rows=\"3\"")) << dom.out.substr(0, 2000);
  EXPECT_EQ(Count(dom.out, "class=\"target-row\""), 3u);
  EXPECT_EQ(dom.out.find("id=\"evil\""), std::string::npos) << "a target name became markup";
  EXPECT_EQ(ConsoleLines(dom.err), "");

  const std::string shot = (workspace.dir() / "report.png").string();
  const ProcessResult screenshot =
      Browse(workspace, page, {"--screenshot=" + shot, "--window-size=1280,900"});
  ASSERT_EQ(screenshot.exit_code, 0) << screenshot.err;
  EXPECT_EQ(ConsoleLines(screenshot.err), "");
  const std::string png = ReadAll(shot);
  ASSERT_GT(png.size(), 1000u) << "no screenshot at " << shot;
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

  // The console check can fire: a page whose script throws is caught.
  const std::string broken =
      workspace.Write("broken.html", "<!DOCTYPE html><p>x</p><script>noSuchFunction();</script>");
  const ProcessResult bad = Browse(workspace, broken, {"--dump-dom"});
  EXPECT_NE(ConsoleLines(bad.err), "") << bad.err;
  // A plain run: one row, its target.
  Sql(*admin, "DROP DATABASE IF EXISTS report_plain WITH (FORCE)");
  Sql(*admin, "CREATE DATABASE report_plain");
  const std::string plain_url = WithDatabase(base, "report_plain");
  {
    auto db = ConnectTo(plain_url);
    ASSERT_TRUE(db);
    Sql(*db, "CREATE TABLE t (id bigint PRIMARY KEY)");
  }
  ASSERT_EQ(workspace.Pgshift({"run", plan, "--db", plain_url, "--progress", "none"}).exit_code, 0);
  const std::string plain = workspace.Pgshift({"report", "--last", "-o", "-"}).out;
  EXPECT_EQ(Count(plain, "class=\"target-row\""), 1u);
  EXPECT_EQ(Count(plain, "class=\"fleet-row\""), 0u);
  EXPECT_TRUE(Contains(plain, "data-target=\"" + plain_url + "\"")) << plain.substr(0, 3000);
  EXPECT_EQ(Count(plain, "class=\"bar\"><rect class=\"done\""), 2u);
  std::cerr << "fleet report: whole test "
            << std::chrono::duration<double>(Clock::now() - start).count() << " s, browser "
            << std::chrono::duration<double>(Clock::now() - browser_start).count() << " s\n";
}

}  // namespace
}  // namespace pgshift::testing
