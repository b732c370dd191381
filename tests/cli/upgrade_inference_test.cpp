// Upgrades read from git tags, end to end: without --release, a table that an earlier migration
// of the same upgrade creates counts as new; one from an earlier tag does not.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/git_repo.h"

namespace pgshift::testing {
namespace {

bool Reports(const ProcessResult& r, const std::string& file, const std::string& rule) {
  return r.out.find(file + ":") != std::string::npos &&
         r.out.find(file + ":1:1: error[" + rule + "]") != std::string::npos;
}

// v1.0.0 holds the base; v1.1.0 adds events and its index; orders ships in v1.2.0, its index
// after; audit and its index are committed but in no tag yet.
void History(GitRepo& repo) {
  repo.Write("db/migrations/V1__base.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  repo.Commit("release 1", "v1.0.0");
  repo.Write("db/migrations/V2__events.sql", "CREATE TABLE events (id bigint, kind text);\n");
  repo.Write("db/migrations/V3__events_kind.sql", "CREATE INDEX events_kind ON events (kind);\n");
  repo.Commit("release 1.1", "v1.1.0");
  repo.Write("db/migrations/V4__orders.sql", "CREATE TABLE orders (id bigint, state text);\n");
  repo.Commit("release 1.2", "v1.2.0");
  repo.Write("db/migrations/V5__orders_state.sql", "CREATE INDEX orders_state ON orders (state);\n");
  repo.Write("db/migrations/V6__audit.sql", "CREATE TABLE audit (id bigint, at timestamptz);\n");
  repo.Write("db/migrations/V7__audit_at.sql", "CREATE INDEX audit_at ON audit (at);\n");
  repo.Commit("coming");
}

TEST(UpgradeInference, SameUpgradeIsQuietEarlierTagIsReported) {
  GitRepo repo("upgrades");
  History(repo);
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "-v"});
  // events was created in the upgrade to v1.1.0 that builds its index: empty, unused.
  EXPECT_FALSE(Reports(r, "db/migrations/V3__events_kind.sql", "non-concurrent-index-creation"))
      << r.out;
  EXPECT_NE(r.out.find("V3__events_kind.sql:1:1: non-concurrent-index-creation: quiet: table "
                       "events is created by V2__events.sql in the same upgrade (first in tag "
                       "v1.1.0)"),
            std::string::npos)
      << r.out << r.err;
  // orders shipped in v1.2.0: deployed and in use when the coming upgrade indexes it.
  EXPECT_TRUE(Reports(r, "db/migrations/V5__orders_state.sql", "non-concurrent-index-creation"))
      << r.out;
  // audit and its index are both in no tag yet: one coming upgrade.
  EXPECT_FALSE(Reports(r, "db/migrations/V7__audit_at.sql", "non-concurrent-index-creation"))
      << r.out;
  EXPECT_NE(r.out.find("table audit is created by V6__audit.sql in the same upgrade (not in any "
                       "tag yet: the coming upgrade)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("upgrades from git tags: 3 tag(s)"), std::string::npos) << r.err;
}

// The folder moves in v1.2.0: its files were already there, under their old paths, in earlier
// tags, and must keep the upgrade they shipped in.
TEST(UpgradeInference, AMovedDirectoryKeepsEachFilesUpgrade) {
  GitRepo repo("upgrades-moved");
  repo.Write("server/migrations/V1__base.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  repo.Commit("release 1", "v1.0.0");
  repo.Write("server/migrations/V2__events.sql", "CREATE TABLE events (id bigint, kind text);\n");
  repo.Write("server/migrations/V3__events_kind.sql",
             "CREATE INDEX events_kind ON events (kind);\n");
  repo.Commit("release 1.1", "v1.1.0");
  repo.Write("server/migrations/V4__users_name.sql", "ALTER TABLE users ADD COLUMN name text;\n");
  repo.Commit("release 1.2", "v1.2.0");
  std::filesystem::create_directories(repo.Path("crates"));
  const ProcessResult moved = repo.Git({"mv", "server", "crates/server"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  repo.Write("crates/server/migrations/V5__orders.sql",
             "CREATE TABLE orders (id bigint, state text);\n");
  repo.Write("crates/server/migrations/V6__orders_state.sql",
             "CREATE INDEX orders_state ON orders (state);\n");
  repo.Write("crates/server/migrations/V7__events_at.sql",
             "CREATE INDEX events_id ON events (id);\n");
  repo.Commit("move the server into crates/", "v1.3.0");
  const ProcessResult r = repo.Pgshift({"lint", "crates/server/migrations", "-v"});
  // events came with v1.1.0 under the old path, with its index: quiet.
  EXPECT_NE(r.out.find("V3__events_kind.sql:1:1: non-concurrent-index-creation: quiet: table "
                       "events is created by V2__events.sql in the same upgrade (first in tag "
                       "v1.1.0)"),
            std::string::npos)
      << r.out << r.err;
  // orders was added in v1.3.0, the tag that first holds the new folder, with its index.
  EXPECT_FALSE(Reports(r, "crates/server/migrations/V6__orders_state.sql",
                       "non-concurrent-index-creation"))
      << r.out;
  // events shipped in v1.1.0: in use when v1.3.0 indexes it again.
  EXPECT_TRUE(Reports(r, "crates/server/migrations/V7__events_at.sql",
                      "non-concurrent-index-creation"))
      << r.out;
  EXPECT_NE(r.err.find("7 already in the first tag that holds the directory (6 traced to the tag "
                       "that added them, following renames; 1 not grouped)"),
            std::string::npos)
      << r.err;
}

TEST(UpgradeInference, AFileNotCommittedIsJudgedAsBefore) {
  GitRepo repo("upgrades-uncommitted");
  History(repo);
  repo.Write("db/migrations/V8__audit_id.sql", "CREATE INDEX audit_id ON audit (id);\n");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations"});
  EXPECT_TRUE(Reports(r, "db/migrations/V8__audit_id.sql", "non-concurrent-index-creation"))
      << r.out;
}

TEST(UpgradeInference, PreReleasesShipWithTheirFinalRelease) {
  GitRepo repo("upgrades-rc");
  History(repo);
  repo.Write("db/migrations/V8__jobs.sql", "CREATE TABLE jobs (id bigint, state text);\n");
  repo.Commit("rc", "v1.3.0-rc.1");
  repo.Write("db/migrations/V9__jobs_state.sql", "CREATE INDEX jobs_state ON jobs (state);\n");
  repo.Commit("final", "v1.3.0");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations"});
  EXPECT_FALSE(Reports(r, "db/migrations/V9__jobs_state.sql", "non-concurrent-index-creation"))
      << r.out;
}

TEST(UpgradeInference, TurnedOffOrWithoutTagsEveryMigrationIsDeployedBeforeTheNext) {
  GitRepo repo("upgrades-off");
  History(repo);
  repo.Write("pgshift.toml", "[history]\nupgrades = \"off\"\n");
  ProcessResult r = repo.Pgshift({"lint", "db/migrations"});
  EXPECT_TRUE(Reports(r, "db/migrations/V3__events_kind.sql", "non-concurrent-index-creation"))
      << r.out;
  EXPECT_TRUE(Reports(r, "db/migrations/V7__audit_at.sql", "non-concurrent-index-creation"))
      << r.out;
  // A pattern no tag matches: nothing grouped, and -v says why.
  repo.Write("pgshift.toml", "[history]\nupgrade_tags = \"release-.*\"\n");
  r = repo.Pgshift({"lint", "db/migrations", "-v"});
  EXPECT_TRUE(Reports(r, "db/migrations/V7__audit_at.sql", "non-concurrent-index-creation"))
      << r.out;
  EXPECT_NE(r.err.find("upgrades not inferred"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no tag matches `release-.*`"), std::string::npos) << r.err;
  // A pattern that is no regular expression is a configuration error naming the key.
  repo.Write("pgshift.toml", "[history]\nupgrade_tags = \"v(\"\n");
  r = repo.Pgshift({"lint", "db/migrations"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("history.upgrade_tags"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pgshift::testing
