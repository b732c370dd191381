#include "runner/rate_window.h"

#include <gtest/gtest.h>

namespace pgshift::runner {
namespace {

using std::chrono::seconds;

TEST(RateWindow, NeedsTwoSamples) {
  RateWindow window;
  EXPECT_EQ(window.PerSecond(), 0);
  window.Add(RateWindow::Clock::time_point(seconds(1)), 100);
  EXPECT_EQ(window.PerSecond(), 0);
  window.Add(RateWindow::Clock::time_point(seconds(3)), 500);
  EXPECT_DOUBLE_EQ(window.PerSecond(), 200);
}

TEST(RateWindow, APauseIsForgottenOnceItIsOutOfTheWindow) {
  RateWindow window(seconds(10));
  const auto at = [](int s) { return RateWindow::Clock::time_point(seconds(s)); };
  long long rows = 0;
  window.Add(at(0), rows);
  for (int s = 1; s <= 5; ++s) window.Add(at(s), rows += 1000);
  EXPECT_DOUBLE_EQ(window.PerSecond(), 1000);
  window.Add(at(65), rows += 1000);  // a minute's stall, then a batch
  EXPECT_LT(window.PerSecond(), 200);
  for (int s = 66; s <= 80; ++s) window.Add(at(s), rows += 1000);
  // An average since the start would say 262 rows a second (21,000 rows in 80 s).
  EXPECT_DOUBLE_EQ(window.PerSecond(), 1000);
}

}  // namespace
}  // namespace pgshift::runner
