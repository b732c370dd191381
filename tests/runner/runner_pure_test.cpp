// The runner's pure pieces: backoff, batch size adaptation, progress lines.
#include <gtest/gtest.h>

#include "runner/backfill.h"
#include "runner/batch_pace.h"
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

TEST(BatchSize, ABatchThatMadeTheApplicationWaitIsCutDownAtOnce) {
  // 50 ms batches of 10,000 rows; the next aims at 10 ms: 2,000 rows, not a halving.
  EXPECT_EQ(NextBatchSize(10000, Millis(50), Millis(10), 100, 100000, 0.0), 2000);
  EXPECT_EQ(NextBatchSize(10000, Millis(50), Millis(10), 100, 100000), 5000);
}

TEST(BatchPace, ShortBatchesWhileTheApplicationWaitsThenBackToFull) {
  using Clock = BatchPace::Clock;
  const Clock::time_point t0{};
  BatchPace pace(Millis(50), Millis(5000));
  EXPECT_EQ(pace.Target(t0), Millis(50));
  pace.Observe(0, t0);  // nobody waited: full batches
  EXPECT_FALSE(pace.Contended(t0 + Millis(1)));
  EXPECT_EQ(pace.Target(t0 + Millis(1)), Millis(50));
  pace.Observe(2, t0 + Millis(100));  // two sessions waited on the batch's rows
  EXPECT_TRUE(pace.Contended(t0 + Millis(101)));
  EXPECT_EQ(pace.Target(t0 + Millis(101)), Millis(10));
  pace.Observe(0, t0 + Millis(2000));  // a batch nobody waited on does not end it early
  EXPECT_EQ(pace.Target(t0 + Millis(5099)), Millis(10));
  EXPECT_EQ(pace.Target(t0 + Millis(5100)), Millis(50));  // calm for 5 s: full batches again
  pace.Observe(1, t0 + Millis(6000));
  EXPECT_EQ(pace.Target(t0 + Millis(10999)), Millis(10));
  BatchPace short_batches(Millis(20));  // a fifth would be 4 ms: 10 ms is the floor
  short_batches.Observe(1, t0);
  EXPECT_EQ(short_batches.Target(t0), Millis(10));
  BatchPace shorter(Millis(5));  // under the floor already: kept as asked
  shorter.Observe(1, t0);
  EXPECT_EQ(shorter.Target(t0), Millis(5));
}

TEST(Progress, TheBarSaysWhenBatchesAreShortBecauseTheApplicationWaited) {
  const nlohmann::json detail = {{"rows_scanned", 40000},    {"rows_total", 100000},
                                 {"rows_per_second", 52310}, {"eta_seconds", 1},
                                 {"contended", true},        {"next_batch_ms", 10}};
  EXPECT_NE(ProgressLine("fill", detail, 10)
                .find("short batches of 10 ms: the application waited on one"),
            std::string::npos);
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
