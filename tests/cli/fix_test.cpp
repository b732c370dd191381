// `pgshift lint --fix`: exact rewrites applied in place, the result parses and lints clean of the
// rules it fixed. Pure application of edits, then end to end with the binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "workspace/fix_writer.h"
#include "tests/support/process.h"

namespace pgshift::workspace {
namespace {

namespace fs = std::filesystem;

rules::Finding WithFix(std::vector<rules::Edit> edits) {
  rules::Finding finding;
  finding.fix = std::move(edits);
  return finding;
}

TEST(ApplyFixes, AppliesWholeFixesInOrderAndSkipsOverlaps) {
  const std::string text = "abcdef";
  const FixOutcome out =
      ApplyFixes(text, {WithFix({{{1, 1}, "X"}, {{6, 6}, "!"}}), WithFix({{{3, 4}, "D"}}),
                        WithFix({{{2, 5}, "?"}}),  // overlaps the D
                        WithFix({{{1, 1}, "Y"}}),  // same point: after X
                        WithFix({{{4, 99}, "past the end"}}), rules::Finding{}});
  EXPECT_EQ(out.text, "aXYbcDef!");
  EXPECT_EQ(out.applied, 3u);
  EXPECT_EQ(out.skipped, 2u);
}

class LintFix : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgshift-fix-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  fs::path dir_;
};

constexpr const char* kFixedRules[] = {"non-concurrent-index-creation", "non-concurrent-index-drop",
                                       "non-concurrent-reindex", "foreign-key-without-not-valid",
                                       "check-without-not-valid"};

TEST_F(LintFix, RewritesInPlaceAndTheResultLintsCleanOfThoseRules) {
  const std::string path =
      Write("m.sql",
            "SET lock_timeout = '2s';\n"
            "CREATE UNIQUE INDEX IF NOT EXISTS users_email_idx ON users (lower(email)) WHERE note "
            "<> 'index';\n"
            "DROP INDEX \"Old_Idx\";\n"
            "REINDEX (VERBOSE) TABLE orders;\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES "
            "users (id)\n"
            "  ON DELETE CASCADE, ADD COLUMN memo text;\n"
            "BEGIN;\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0 /* , ) */);\n"
            "COMMIT;\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_shop_fk FOREIGN KEY (shop_id) REFERENCES "
            "shops (id)");
  const testing::ProcessResult r = testing::RunPgshift({"lint", "--fix", path});
  EXPECT_NE(r.err.find("applied 6 fixes"), std::string::npos) << r.err;
  EXPECT_EQ(Read(path),
            "SET lock_timeout = '2s';\n"
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users "
            "(lower(email)) WHERE note <> 'index';\n"
            "DROP INDEX CONCURRENTLY \"Old_Idx\";\n"
            "REINDEX (VERBOSE) TABLE CONCURRENTLY orders;\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES "
            "users (id)\n"
            "  ON DELETE CASCADE NOT VALID, ADD COLUMN memo text;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n"
            "BEGIN;\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0 /* , ) */) NOT "
            "VALID;\n"
            "COMMIT;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n"
            "ALTER TABLE orders ADD CONSTRAINT orders_shop_fk FOREIGN KEY (shop_id) REFERENCES "
            "shops (id) NOT VALID;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_shop_fk;");
  // The report after --fix is of the rewritten file; lint it again to be sure.
  const testing::ProcessResult again = testing::RunPgshift({"lint", "--format", "json", path});
  const nlohmann::json report = nlohmann::json::parse(again.out);
  for (const auto& finding : report["findings"]) {
    const std::string rule = finding["rule"];
    EXPECT_NE(rule, "syntax-error") << finding.dump();
    for (const char* fixed : kFixedRules) EXPECT_NE(rule, fixed) << finding.dump();
  }
}

TEST_F(LintFix, QuotedNamesStayQuoted) {
  const std::string path = Write(
      "m.sql", "ALTER TABLE app.\"Order\" ADD CONSTRAINT \"Order_userId_fkey\" FOREIGN KEY (\"userId\") "
               "REFERENCES \"User\" (id);\n");
  testing::RunPgshift({"lint", "--fix", path});
  EXPECT_EQ(Read(path),
            "ALTER TABLE app.\"Order\" ADD CONSTRAINT \"Order_userId_fkey\" FOREIGN KEY (\"userId\") "
            "REFERENCES \"User\" (id) NOT VALID;\n"
            "ALTER TABLE app.\"Order\" VALIDATE CONSTRAINT \"Order_userId_fkey\";\n");
}

TEST_F(LintFix, LeavesWhatIsNotExactAlone) {
  const std::string text =
      "BEGIN;\n"
      "CREATE INDEX users_name_idx ON users (name);\n"  // CONCURRENTLY cannot run in a block
      "DROP INDEX a_idx, b_idx;\n"                      // CONCURRENTLY drops one index
      "ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);\n"  // no name to
                                                                               // validate
      "ROLLBACK;\n"
      "DO $$ BEGIN CREATE INDEX users_nick_idx ON users (nick); END $$;\n"  // inside a body
      "ALTER TABLE orders ADD CHECK (total > 0);\n";  // no name to validate by
  const std::string path = Write("m.sql", text);
  const testing::ProcessResult r = testing::RunPgshift({"lint", "--fix", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Read(path), text);
  EXPECT_EQ(r.err.find("applied"), std::string::npos) << r.err;
}

TEST_F(LintFix, NoValidateInsideTheToolsOneTransaction) {
  const std::string text =
      "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users "
      "(id);\n";
  const std::string path = Write("m.sql", text);
  testing::RunPgshift({"lint", "--fix", "--transactions", "per-file", path});
  EXPECT_EQ(Read(path), text);
}

TEST_F(LintFix, StandardInputIsAUsageError) {
  const testing::ProcessResult r =
      testing::RunPgshift({"lint", "--fix", "-"}, {.stdin_data = "DROP INDEX i;"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--fix"), std::string::npos);
}

}  // namespace
}  // namespace pgshift::workspace
