#include "workspace/files_in_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
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

// Keeps the files whole, counting how many it kept and took.
class CountingSink final : public FileSink {
 public:
  std::unique_ptr<Kept> Keep(LintedFile&& file) override {
    ++kept;
    return whole_.Keep(std::move(file));
  }
  void Take(std::unique_ptr<Kept> k) override { whole_.Take(std::move(k)); }

  std::vector<LintedFile> taken;
  std::size_t kept = 0;

 private:
  WholeFileSink whole_{[this](LintedFile&& f) { taken.push_back(std::move(f)); }};
};

TEST(FilesInOrder, HoldsAFileUntilEveryInputBeforeItIsDone) {
  CountingSink sink;
  FilesInOrder order({1, 1, 1}, sink);
  order.Done(2, std::make_unique<LintedFile>(FileNamed("c")));
  order.Done(1, std::make_unique<LintedFile>(FileNamed("b")));
  EXPECT_TRUE(sink.taken.empty());  // "a" is not done: nothing may go before it
  EXPECT_TRUE(order.Holds(2));
  order.Done(0, std::make_unique<LintedFile>(FileNamed("a")));
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"a", "b", "c"}));
  // Handed over files are let go: their slots are empty.
  EXPECT_FALSE(order.Holds(0));
  EXPECT_FALSE(order.Holds(2));
}

TEST(FilesInOrder, KeepsAFileWhenItsStepEndsNotWhenItsTurnComes) {
  CountingSink sink;
  FilesInOrder order({1, 1}, sink);
  {
    StepDone done(order, 1);
    done.Put(FileNamed("b"));
    EXPECT_EQ(sink.kept, 0u);  // the step may still read its file
  }
  // Kept by the step that finished it, though "a" before it is not done.
  EXPECT_EQ(sink.kept, 1u);
  EXPECT_TRUE(sink.taken.empty());
  order.Done(0, std::make_unique<LintedFile>(FileNamed("a")));
  EXPECT_EQ(sink.kept, 2u);
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"a", "b"}));
}

TEST(FilesInOrder, SkipsInputsWithoutAFileAndWaitsForEveryStepOfOne) {
  CountingSink sink;
  // Input 0 has no step (done from the start), input 1 two steps, input 2 one that gives no file.
  FilesInOrder order({0, 2, 1}, sink);
  order.Done(1, std::make_unique<LintedFile>(FileNamed("b")));
  EXPECT_TRUE(sink.taken.empty());  // one step of "b" is still to come
  order.Done(2);
  order.Done(1);
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"b"}));
  order.Finish();
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"b"}));
}

TEST(FilesInOrder, FinishHandsOverWhatIsLeftInOrder) {
  CountingSink sink;
  // Input 0 has a second step that never reports.
  FilesInOrder order({2, 1}, sink);
  order.Done(1, std::make_unique<LintedFile>(FileNamed("b")));
  order.Done(0, std::make_unique<LintedFile>(FileNamed("a")));
  EXPECT_TRUE(sink.taken.empty());
  order.Finish();
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"a", "b"}));
}

TEST(FilesInOrder, HeldHandsNothingOverUntilReleasedAndCountsStepsAsTheyArePlanned) {
  CountingSink sink;
  const auto order = FilesInOrder::Held(3, sink);
  // Input 1's part is planned and checked first; inputs 0 and 2 are not counted yet.
  order->AddSteps(1, 2);
  order->Done(1, std::make_unique<LintedFile>(FileNamed("b")));
  order->Done(1);
  EXPECT_TRUE(sink.taken.empty());
  // Input 0's part: planned and done while the plan goes on; still nothing goes.
  order->AddSteps(0, 1);
  order->Done(0, std::make_unique<LintedFile>(FileNamed("a")));
  EXPECT_TRUE(sink.taken.empty());
  EXPECT_TRUE(order->Holds(0));
  order->AddSteps(2, 1);
  order->Release();  // every part planned: "a" and "b" go, "c" waits for its step
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"a", "b"}));
  order->Done(2, std::make_unique<LintedFile>(FileNamed("c")));
  EXPECT_EQ(Paths(sink.taken), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(FilesInOrder, ThreadsFinishingInAnyOrderHandOverInInputOrder) {
  constexpr std::size_t kInputs = 2000;
  std::vector<std::size_t> shuffled(kInputs);
  std::iota(shuffled.begin(), shuffled.end(), 0);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  std::vector<std::string> taken;
  WholeFileSink sink([&](LintedFile&& f) { taken.push_back(f.report.path); });
  FilesInOrder order(std::vector<std::size_t>(kInputs, 1), sink);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t k = t; k < kInputs; k += 4) {
        const std::size_t input = shuffled[k];
        StepDone done(order, input);
        if (input % 10 != 3) done.Put(FileNamed(std::to_string(input)));
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
