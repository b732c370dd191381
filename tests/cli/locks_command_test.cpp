// `pgshift locks`: the lock model as text, JSON and the docs/locks.md reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rules/analysis/lock_model.h"
#include "tests/support/process.h"

namespace pgshift::testing {
namespace {

TEST(LocksCommand, ListsEveryEntryOfTheModel) {
  const ProcessResult json = RunPgshift({"locks", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto entries = nlohmann::json::parse(json.out);
  ASSERT_EQ(entries.size(), rules::LockTable().size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const rules::LockEntry& entry = rules::LockTable()[i];
    EXPECT_EQ(entries[i]["form"], std::string(entry.sql));
    EXPECT_EQ(entries[i]["mode"], std::string(rules::LockModeName(entry.mode)));
    EXPECT_EQ(entries[i]["work"], std::string(rules::TableWorkName(entry.work)));
  }
  const ProcessResult text = RunPgshift({"locks"});
  ASSERT_EQ(text.exit_code, 0);
  for (const rules::LockEntry& entry : rules::LockTable()) {
    EXPECT_NE(text.out.find(std::string(entry.sql)), std::string::npos) << entry.sql;
  }
}

TEST(LocksCommand, PgVersionKeepsTheEntriesOfThatVersion) {
  const auto at = [](const char* version) {
    const ProcessResult result = RunPgshift({"locks", "--format", "json", "--pg-version", version});
    EXPECT_EQ(result.exit_code, 0);
    return nlohmann::json::parse(result.out);
  };
  const auto count = [](const nlohmann::json& entries, const std::string& form,
                        const std::string& work) {
    int n = 0;
    for (const auto& e : entries) n += e["form"] == form && e["work"] == work;
    return n;
  };
  const std::string form = "ADD COLUMN ... DEFAULT <non-volatile>";
  EXPECT_EQ(count(at("10"), form, "rewrites the table"), 1);
  EXPECT_EQ(count(at("10"), form, "catalog only"), 0);
  EXPECT_EQ(count(at("15"), form, "catalog only"), 1);
  EXPECT_EQ(RunPgshift({"locks", "--format", "yaml"}).exit_code, 2);
}

// docs/locks.md is this output; ci/check-docs fails when the file is stale.
TEST(LocksCommand, MarkdownHasARowPerEntry) {
  const ProcessResult markdown = RunPgshift({"locks", "--format", "markdown"});
  ASSERT_EQ(markdown.exit_code, 0);
  std::size_t rows = 0;
  std::istringstream lines(markdown.out);
  for (std::string line; std::getline(lines, line);) {
    rows += line.rfind("| ", 0) == 0 && line.find(" | PostgreSQL") == std::string::npos &&
            std::count(line.begin(), line.end(), '|') == 7;
  }
  EXPECT_EQ(rows, rules::LockTable().size());
  // `<volatile>` would read as an HTML tag.
  EXPECT_NE(markdown.out.find("| ADD COLUMN ... DEFAULT &lt;volatile&gt;"), std::string::npos);
  EXPECT_NE(markdown.out.find("| TRUNCATE | ACCESS EXCLUSIVE | blocking reads and writes | "
                              "catalog only; new, empty storage | all |"),
            std::string::npos);
}

}  // namespace
}  // namespace pgshift::testing
