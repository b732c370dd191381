// The local SQLite journal.
#include "runner/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace pgshift::runner {
namespace {

TEST(Journal, RecordsRunsAndEventsInOrder) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pgshift-journal-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "nested" / "journal.db").string();
  {
    auto opened = Journal::Open(path);
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Journal>>(opened))
        << std::get<std::string>(opened);
    Journal& journal = *std::get<std::unique_ptr<Journal>>(opened);
    journal.StartRun("run", "plan-a", "postgresql://u:***@h/db", "pgshift pid 1 on h");
    journal.Emit({"stage-started", "add", "starting"});
    RunEvent batch{"batch", "copy", "", 12};
    batch.detail = {{"rows_scanned", 1000}};
    journal.Emit(batch);
    journal.FinishRun(false, "stage `copy` failed");
    journal.StartRun("rollback", "plan-b", "t", "r");
    journal.FinishRun(true, "rolled back");
    EXPECT_EQ(journal.error(), "");
  }
  auto reopened = Journal::Open(path);
  Journal& journal = *std::get<std::unique_ptr<Journal>>(reopened);
  const auto runs = journal.Runs(10, "");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].plan_id, "plan-b");  // newest first
  const JournalRun& run = runs[1];
  EXPECT_EQ(run.command, "run");
  EXPECT_EQ(run.outcome, "failed");
  EXPECT_EQ(run.message, "stage `copy` failed");
  EXPECT_GE(run.duration_ms, 0);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0]["kind"], "stage-started");
  EXPECT_EQ(run.events[1]["detail"]["rows_scanned"], 1000);
  EXPECT_EQ(run.events[1]["duration_ms"], 12);
  EXPECT_EQ(run.started_at.size(), 24u);  // 2026-11-29T04:40:01.123Z
  EXPECT_EQ(journal.Runs(10, "plan-a").size(), 1u);
  std::filesystem::remove_all(dir);
}

TEST(Journal, AnUnusablePathIsAnError) {
  auto opened = Journal::Open("/proc/no/such/journal.db");
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_NE(std::get<std::string>(opened).find("cannot open the journal"), std::string::npos);
}

}  // namespace
}  // namespace pgshift::runner
