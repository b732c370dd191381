// The runner's pure pieces: backoff, batch size adaptation, progress lines.
#include <gtest/gtest.h>

#include "runner/backfill.h"
#include "runner/progress.h"
#include "runner/retry.h"

namespace pgshift::runner {
namespace {

TEST(Backoff, DoublesWithJitterAndACap) {
  EXPECT_EQ(Backoff(0, Millis(500), 0.5), Millis(500));
  EXPECT_EQ(Backoff(1, Millis(500), 0.5), Millis(1000));
  EXPECT_EQ(Backoff(2, Millis(500), 0.0), Millis(1000));    // jitter low end: half
  EXPECT_EQ(Backoff(2, Millis(500), 0.999), Millis(2998));  // high end: almost one and a half
  EXPECT_EQ(Backoff(30, Millis(500), 0.5), Millis(30000));  // capped at 30 s
  for (int i = 0; i < 100; ++i) {
    const Millis wait = Backoff(3, Millis(100));
    EXPECT_GE(wait, Millis(400));
    EXPECT_LT(wait, Millis(1200));
  }
}

TEST(BatchSize, AdaptsTowardTheTargetDuration) {
  EXPECT_EQ(NextBatchSize(1000, Millis(100), Millis(200), 100, 100000), 2000);  // too fast: grow
  EXPECT_EQ(NextBatchSize(1000, Millis(400), Millis(200), 100, 100000), 500);   // too slow: shrink
  EXPECT_EQ(NextBatchSize(1000, Millis(1), Millis(200), 100, 100000), 2000);    // at most doubles
  EXPECT_EQ(NextBatchSize(1000, Millis(9000), Millis(200), 100, 100000), 500);  // at most halves
  EXPECT_EQ(NextBatchSize(1000, Millis(250), Millis(200), 100, 100000), 800);
  EXPECT_EQ(NextBatchSize(150, Millis(9000), Millis(200), 100, 100000), 100);     // floor
  EXPECT_EQ(NextBatchSize(90000, Millis(10), Millis(200), 100, 100000), 100000);  // ceiling
  EXPECT_EQ(NextBatchSize(1000, Millis(0), Millis(200), 100, 100000), 2000);
}

TEST(Progress, LineShowsBarRowsRateAndEta) {
  const nlohmann::json detail = {{"rows_scanned", 40000},
                                 {"rows_total", 100000},
                                 {"rows_per_second", 52310},
                                 {"eta_seconds", 1}};
  EXPECT_EQ(ProgressLine("copy", detail, 10),
            "copy [####------]  40%  40,000/100,000 rows  52,310 rows/s  ETA 1.0 s");
  EXPECT_EQ(ProgressLine("c", {{"rows_scanned", 5}, {"rows_total", 5}, {"eta_seconds", -1}}, 4),
            "c [####] 100%  5/5 rows  0 rows/s  ETA ?");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(999), "999");
}

}  // namespace
}  // namespace pgshift::runner
