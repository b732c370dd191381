#include "workspace/path_glob.h"

#include <gtest/gtest.h>

namespace pgshift::workspace {
namespace {

TEST(PathGlob, StarStaysInItsSegment) {
  EXPECT_TRUE(GlobMatch("*.md", "README.md"));
  EXPECT_FALSE(GlobMatch("*.md", "docs/a.md"));
  EXPECT_TRUE(GlobMatch("app/*.rb", "app/user.rb"));
  EXPECT_FALSE(GlobMatch("app/*.rb", "app/models/user.rb"));
  EXPECT_TRUE(GlobMatch("V?__*.sql", "V1__init.sql"));
  EXPECT_FALSE(GlobMatch("V?__*.sql", "V12__init.sql"));
}

TEST(PathGlob, DoubleStarSpansSegments) {
  EXPECT_TRUE(GlobMatch("**", "a/b/c"));
  EXPECT_TRUE(GlobMatch("**/*.md", "README.md"));
  EXPECT_TRUE(GlobMatch("**/*.md", "docs/guide/x.md"));
  EXPECT_TRUE(GlobMatch("app/**", "app/models/user.rb"));
  EXPECT_FALSE(GlobMatch("app/**", "application/x.rb"));
  EXPECT_TRUE(GlobMatch("db/**/expand/*.sql", "db/expand/V1__a.sql"));
  EXPECT_TRUE(GlobMatch("db/**/expand/*.sql", "db/2024/q1/expand/V1__a.sql"));
  EXPECT_TRUE(GlobMatch("**/node_modules/**", "web/node_modules/x/index.js"));
}

TEST(PathGlob, TrailingSlashMeansEverythingBelow) {
  EXPECT_TRUE(GlobMatch("db/migrations/", "db/migrations/V1__a.sql"));
  EXPECT_TRUE(GlobMatch("./db/migrations/", "db/migrations/x/up.sql"));
}

TEST(PathGlob, SetsAndDirectories) {
  const GlobSet set({"**/node_modules/**", "vendor/", "*.lock"});
  EXPECT_TRUE(set.Matches("Gemfile.lock"));
  EXPECT_TRUE(set.CoversDirectory("web/node_modules"));
  EXPECT_TRUE(set.CoversDirectory("vendor"));
  EXPECT_FALSE(set.CoversDirectory("app"));
  EXPECT_FALSE(GlobSet().Matches("x"));
}

}  // namespace
}  // namespace pgshift::workspace
