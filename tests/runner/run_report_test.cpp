// The HTML report of one journaled run, built from hand-made journal rows: escaping, one timeline
// row per target, stage bars, lock retries, throttled batches and a fleet's soak.
#include "runner/run_report.h"

#include <gtest/gtest.h>

namespace pgshift::runner {
namespace {

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

nlohmann::json Event(const std::string& at, const std::string& kind, const std::string& stage,
                     const std::string& message, nlohmann::json detail = nlohmann::json::object(),
                     long long duration_ms = -1) {
  return {{"at", "2026-12-01T10:00:" + at + "Z"},
          {"kind", kind},
          {"stage", stage},
          {"message", message},
          {"duration_ms", duration_ms >= 0 ? nlohmann::json(duration_ms) : nlohmann::json()},
          {"detail", detail}};
}

TEST(RunReport, EscapesEveryCharacterThatIsMarkup) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(RunReport, APlainRunHasOneRowWithItsStagesRetriesAndThrottledBatches) {
  JournalRun run;
  run.id = 7;
  run.command = "run";
  run.plan_id = "p<1>";
  run.target = "postgresql://app@db/app";
  run.started_at = "2026-12-01T10:00:00.000Z";
  run.finished_at = "2026-12-01T10:00:10.000Z";
  run.outcome = "ok";
  run.events = {
      Event("01.000", "stage-started", "add", "expand"),
      Event("02.000", "lock-retry", "add", "lock not granted <pid 42>"),
      Event("03.000", "stage-done", "add", "done", {}, 2000),
      Event("04.000", "stage-started", "fill", "backfill"),
      Event("05.000", "batch", "fill", "", {{"throttled_ms", 0}}, 100),
      Event("06.000", "batch", "fill", "", {{"throttled_ms", 400}}, 100),
      Event("07.000", "stage-failed", "fill", "boom"),
  };
  const std::string html = RenderRunReport(run);
  EXPECT_EQ(Count(html, "class=\"target-row\""), 1u);
  EXPECT_EQ(Count(html, "<rect class=\"done\""), 1u);
  EXPECT_EQ(Count(html, "<rect class=\"failed\""), 1u);
  EXPECT_EQ(Count(html, "class=\"mark lock\""), 1u);
  EXPECT_EQ(Count(html, "class=\"mark batch\""), 1u);
  EXPECT_EQ(Count(html, "class=\"mark throttle\""), 1u);
  EXPECT_NE(html.find("p&lt;1&gt;"), std::string::npos);
  EXPECT_NE(html.find("lock not granted &lt;pid 42&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<pid 42>"), std::string::npos);
  EXPECT_EQ(html.find("<1>"), std::string::npos);
}

TEST(RunReport, AFleetRunHasARowPerTargetAndOneForItsWavesAndSoaks) {
  JournalRun run;
  run.command = "run";
  run.plan_id = "p";
  run.target = "fleet fleet.toml";
  run.started_at = "2026-12-01T10:00:00.000Z";
  run.finished_at = "2026-12-01T10:00:09.000Z";
  run.events = {
      Event("00.500", "wave-started", "", "wave `canary`"),
      Event("01.000", "stage-started", "add", "[a&b] expand", {{"target", "a&b"}}),
      Event("02.000", "stage-done", "add", "[a&b] done", {{"target", "a&b"}}, 1000),
      Event("02.500", "soak-started", "", "wave `canary`: soaking"),
      Event("04.000", "gate-passed", "", "wave `canary`: the gate passed"),
      Event("05.000", "stage-started", "add", "[b] expand", {{"target", "b"}}),
      Event("06.000", "stage-done", "add", "[b] done", {{"target", "b"}}, 1000),
  };
  const std::string html = RenderRunReport(run);
  EXPECT_EQ(Count(html, "class=\"target-row\""), 2u);
  EXPECT_EQ(Count(html, "class=\"fleet-row\""), 1u);
  EXPECT_EQ(Count(html, "<rect class=\"soak\""), 1u);
  EXPECT_NE(html.find("data-target=\"a&amp;b\""), std::string::npos);
  // The console's "[target] " prefix is dropped where the row already names the target.
  EXPECT_EQ(html.find("[a&amp;b] done"), std::string::npos);
}

}  // namespace
}  // namespace pgshift::runner
