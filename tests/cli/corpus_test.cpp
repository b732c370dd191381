// Opt-in, end to end: `pgshift lint` over a folder of real migrations (PGSHIFT_CORPUS) runs to the
// end, reads every file, and reports each statement it cannot parse at a line of that file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

namespace fs = std::filesystem;

int LinesOf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Corpus, LintRunsToTheEndAndLocatesEverySyntaxError) {
  const char* corpus = std::getenv("PGSHIFT_CORPUS");
  if (corpus == nullptr || !fs::is_directory(corpus)) {
    GTEST_SKIP() << "set PGSHIFT_CORPUS to a folder of migrations to lint it end to end";
  }
  std::map<std::string, int> lines;  // every *.sql file, with its line count
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") {
      lines[entry.path().string()] = LinesOf(entry.path());
    }
  }
  const ProcessResult r = RunPgshift({"lint", "--format", "json", corpus});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.signal << r.err;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["summary"]["files"], lines.size());
  EXPECT_TRUE(report["unreadable"].empty()) << report["unreadable"].dump();
  for (const auto& finding : report["findings"]) {
    const auto file = lines.find(finding["file"].get<std::string>());
    ASSERT_NE(file, lines.end()) << finding.dump();
    EXPECT_GE(finding["line"].get<int>(), 1) << finding.dump();
    EXPECT_LE(finding["line"].get<int>(), file->second) << finding.dump();
    EXPECT_GE(finding["column"].get<int>(), 1) << finding.dump();
  }
}

}  // namespace
}  // namespace pgshift::testing
