// Replays every input kept in tests/fuzz/regressions/<target>/ through the function its fuzz
// target calls: each is an input that once crashed, hung or blew up memory, and must now pass.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "tests/fuzz/fuzz_targets.h"

namespace pgshift::fuzz {
namespace {

namespace fs = std::filesystem;

std::size_t Replay(const std::string& target, const std::function<void(std::string_view)>& run) {
  const fs::path dir = fs::path(PGSHIFT_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / target;
  std::size_t count = 0;
  std::error_code none_kept;  // a target without kept inputs has no directory in git
  for (const auto& entry : fs::directory_iterator(dir, none_kept)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    EXPECT_NO_THROW(run(bytes.str()));
    ++count;
  }
  return count;
}

TEST(FuzzRegressions, LintInputs) { EXPECT_GT(Replay("lint", LintBytes), 0u); }
TEST(FuzzRegressions, ConfigInputs) { Replay("config", ConfigBytes); }
TEST(FuzzRegressions, PlanInputs) { Replay("plan", PlanBytes); }

// The fuzz targets' own seeds pass too: the functions must not reject ordinary input loudly.
TEST(FuzzRegressions, FixturesRunThroughTheTargets) {
  const fs::path root = fs::path(PGSHIFT_SOURCE_DIR);
  std::size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests" / "fixtures")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    if (entry.path().extension() == ".sql") {
      EXPECT_NO_THROW(LintBytes(bytes.str()));
    } else if (entry.path().extension() == ".toml") {
      EXPECT_NO_THROW(PlanBytes(bytes.str()));
    }
    ++count;
  }
  EXPECT_GT(count, 10u);
}

}  // namespace
}  // namespace pgshift::fuzz
