#include "workspace/files_in_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace pgshift::workspace {
namespace {

LintedFile FileNamed(const std::string& path) {
  rules::FileReport report;
  report.path = path;
  return LintedFile{parser::SourceText(path, "SELECT 1;"), std::move(report)};
}

std::vector<std::string> Paths(const std::vector<LintedFile>& files) {
  std::vector<std::string> out;
  for (const LintedFile& f : files) out.push_back(f.report.path);
  return out;
}

TEST(FilesInOrder, HoldsAFileUntilEveryInputBeforeItIsDone) {
  std::vector<LintedFile> taken;
  FilesInOrder order({1, 1, 1}, [&](LintedFile&& f) { taken.push_back(std::move(f)); });
  order.Put(2, FileNamed("c"));
  order.Done(2);
  order.Put(1, FileNamed("b"));
  order.Done(1);
  EXPECT_TRUE(taken.empty());  // "a" is not done: nothing may go before it
  order.Put(0, FileNamed("a"));
  order.Done(0);
  EXPECT_EQ(Paths(taken), (std::vector<std::string>{"a", "b", "c"}));
  // Handed over files are let go: their slots are empty.
  EXPECT_FALSE(order.Holds(0));
  EXPECT_FALSE(order.Holds(2));
}

TEST(FilesInOrder, SkipsInputsWithoutAFileAndWaitsForEveryStepOfOne) {
  std::vector<LintedFile> taken;
  // Input 0 has no step (done from the start), input 1 two steps, input 2 one that gives no file.
  FilesInOrder order({0, 2, 1}, [&](LintedFile&& f) { taken.push_back(std::move(f)); });
  order.Put(1, FileNamed("b"));
  order.Done(1);
  EXPECT_TRUE(taken.empty());  // one step of "b" is still to come
  order.Done(2);
  order.Done(1);
  EXPECT_EQ(Paths(taken), (std::vector<std::string>{"b"}));
  order.Finish();
  EXPECT_EQ(Paths(taken), (std::vector<std::string>{"b"}));
}

TEST(FilesInOrder, FinishHandsOverWhatIsLeftInOrder) {
  std::vector<LintedFile> taken;
  FilesInOrder order({1, 1}, [&](LintedFile&& f) { taken.push_back(std::move(f)); });
  order.Put(1, FileNamed("b"));
  order.Put(0, FileNamed("a"));
  order.Finish();
  EXPECT_EQ(Paths(taken), (std::vector<std::string>{"a", "b"}));
}

TEST(FilesInOrder, HeldHandsNothingOverUntilReleasedAndCountsStepsAsTheyArePlanned) {
  std::vector<LintedFile> taken;
  const auto order = FilesInOrder::Held(3, [&](LintedFile&& f) { taken.push_back(std::move(f)); });
  // Input 1's part is planned and checked first; inputs 0 and 2 are not counted yet.
  order->AddSteps(1, 2);
  order->Put(1, FileNamed("b"));
  order->Done(1);
  order->Done(1);
  EXPECT_TRUE(taken.empty());
  // Input 0's part: planned and done while the plan goes on; still nothing goes.
  order->AddSteps(0, 1);
  order->Put(0, FileNamed("a"));
  order->Done(0);
  EXPECT_TRUE(taken.empty());
  EXPECT_TRUE(order->Holds(0));
  order->AddSteps(2, 1);
  order->Release();  // every part planned: "a" and "b" go, "c" waits for its step
  EXPECT_EQ(Paths(taken), (std::vector<std::string>{"a", "b"}));
  order->Put(2, FileNamed("c"));
  order->Done(2);
  EXPECT_EQ(Paths(taken), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(FilesInOrder, ThreadsFinishingInAnyOrderHandOverInInputOrder) {
  constexpr std::size_t kInputs = 2000;
  std::vector<std::size_t> shuffled(kInputs);
  std::iota(shuffled.begin(), shuffled.end(), 0);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  std::vector<std::string> taken;
  FilesInOrder order(std::vector<std::size_t>(kInputs, 1),
                     [&](LintedFile&& f) { taken.push_back(f.report.path); });
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t k = t; k < kInputs; k += 4) {
        const std::size_t input = shuffled[k];
        if (input % 10 != 3) order.Put(input, FileNamed(std::to_string(input)));
        const StepDone done(order, input);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  order.Finish();
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < kInputs; ++i) {
    if (i % 10 != 3) expected.push_back(std::to_string(i));
  }
  EXPECT_EQ(taken, expected);
}

}  // namespace
}  // namespace pgshift::workspace
