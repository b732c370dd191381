// The parts of a file a migration tool runs one way: blanked around, positions kept.
#include "workspace/section_lint.h"

#include <gtest/gtest.h>

namespace pgshift::workspace {
namespace {

using project::Direction;
using project::FileRun;

TEST(SectionLint, SectionsOnlyKeepsOneDirectionAndEveryLineBreak) {
  const std::string text = "-- up\nCREATE TABLE t (a int);\n-- down\nDROP TABLE t;\n";
  const std::size_t down = text.find("-- down");
  const FileRun run{{{0, down, Direction::kUp, std::nullopt, ""},
                     {down, text.size(), Direction::kDown, std::nullopt, ""}}};
  EXPECT_EQ(SectionsOnly(text, run, Direction::kUp),
            "-- up\nCREATE TABLE t (a int);\n       \n             \n");
  EXPECT_EQ(SectionsOnly(text, run, Direction::kDown),
            "     \n                       \n-- down\nDROP TABLE t;\n");
  EXPECT_FALSE(OnlyRollsBack(run));
  EXPECT_TRUE(OnlyRollsBack(FileRun{{{0, text.size(), Direction::kDown, std::nullopt, ""}}}));
}

TEST(SectionLint, ASectionOutOfOrderOrPastTheEndKeepsNothingBeyondTheText) {
  const std::string text = "SELECT 1;\nSELECT 2;\n";
  const FileRun reversed{{{15, 3, Direction::kUp, std::nullopt, ""}}};
  EXPECT_EQ(SectionsOnly(text, reversed, Direction::kUp), "         \n         \n");
  const FileRun past{{{10, 1000, Direction::kUp, std::nullopt, ""}}};
  EXPECT_EQ(SectionsOnly(text, past, Direction::kUp), "         \nSELECT 2;\n");
}

// The texts parsed ahead of a file's check: its up sections together, each down section on its
// own, blanked outside it (all of it when out of order, nothing when it is the whole file).
TEST(SectionLint, EachDownSectionIsItsOwnText) {
  const std::string text = "SELECT 1;\nSELECT 2;\n";
  const FileRun run{{{0, 10, Direction::kUp, std::nullopt, ""},
                     {10, 1000, Direction::kDown, std::nullopt, ""},
                     {15, 3, Direction::kDown, std::nullopt, ""},
                     {0, text.size(), Direction::kDown, std::nullopt, ""}}};
  EXPECT_EQ(LintRunTexts(text, run),
            (std::vector<std::string>{"SELECT 1;\n         \n", "         \nSELECT 2;\n",
                                      "         \n         \n", text}));
}

}  // namespace
}  // namespace pgshift::workspace
