// Release awareness end to end: one small, real git repository per scenario, linted with
// `pgshift lint --release BASE..HEAD` the way a CI job runs it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/git_repo.h"

namespace pgshift::testing {
namespace {

// Release 1 of a small application: a users table, and code that reads legacy_flag.
void FirstRelease(GitRepo& repo) {
  repo.Write(
      "db/migrations/V1__users.sql",
      "CREATE TABLE users (id bigint PRIMARY KEY, name text, email text, legacy_flag boolean);\n");
  repo.Write("app/models/user.rb",
             "class User < ApplicationRecord\n"
             "  def flagged?\n"
             "    legacy_flag\n"
             "  end\n"
             "end\n");
  repo.Write("app/views/users/show.erb", "<%= @user.name %>\n");
  repo.Write("README.md", "Users have a legacy_flag.\n");
  repo.Commit("release 1", "r1");
}

// The findings of a JSON report, without missing-lock-timeout: it reports once per file on
// nearly every migration here, and lock hygiene is not what these tests are about.
nlohmann::json FindingsIn(const ProcessResult& r) {
  nlohmann::json out = nlohmann::json::array();
  const nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& finding : report["findings"]) {
    if (finding["rule"] != "missing-lock-timeout") out.push_back(finding);
  }
  return out;
}

std::vector<std::string> RulesIn(const ProcessResult& r) {
  std::vector<std::string> rules;
  for (const auto& finding : FindingsIn(r)) rules.push_back(finding["rule"]);
  return rules;
}

TEST(Release, DropShippedWithTheCodeChangeIsAnError) {
  GitRepo repo("drop-with-code");
  FirstRelease(repo);
  repo.Write("app/models/user.rb",
             "class User < ApplicationRecord\n  self.ignored_columns = [\"legacy_flag\"]\nend\n");
  repo.Write("db/migrations/V2__drop_legacy_flag.sql",
             "ALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 2: stop using legacy_flag and drop it");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // The base (r1) still reads it: the version running during the deploy breaks.
  EXPECT_NE(
      r.out.find("db/migrations/V2__drop_legacy_flag.sql:1:1: error[contract-with-code-change] "
                 "This migration drops column users.legacy_flag in release r1..HEAD, but the "
                 "version still running during the deploy (r1) uses legacy_flag at "
                 "app/models/user.rb:1 (and 1 more): an ORM model maps the table and writes every "
                 "column (ActiveRecord model User reads every column of users)"),
      std::string::npos)
      << r.out;
  // One finding for the hazard: the generic drop-column rule leaves it to the release rules.
  EXPECT_EQ(r.out.find("error[drop-column]"), std::string::npos) << r.out;
  // Only the release's migration is checked; V1 is its history.
  EXPECT_EQ(r.out.find("V1__users.sql"), std::string::npos) << r.out;
}

TEST(Release, TheSameDropOneReleaseAfterTheCodeStoppedUsingItIsClean) {
  GitRepo repo("drop-next-release");
  FirstRelease(repo);
  repo.Write("app/models/user.rb",
             "class User < ApplicationRecord\n  self.ignored_columns = [\"legacy_flag\"]\nend\n");
  repo.Commit("release 2: stop using legacy_flag", "r2");
  repo.Write("db/migrations/V2__drop_legacy_flag.sql",
             "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 3: drop it");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No findings in 1 file"), std::string::npos) << r.out;
  // Without the release, the same migration is a guess, and drop-column says so.
  const ProcessResult alone = repo.Pgshift({"lint", "db/migrations/V2__drop_legacy_flag.sql"});
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_NE(alone.out.find("error[drop-column]"), std::string::npos) << alone.out;
}

TEST(Release, ADropStillReferencedByCodeNamesTheReference) {
  GitRepo repo("drop-referenced");
  FirstRelease(repo);
  repo.Write("db/migrations/V2__drop_legacy_flag.sql",
             "ALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 2: drop legacy_flag, forgetting the model");
  const ProcessResult r =
      repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(RulesIn(r), std::vector<std::string>{"contract-still-referenced"});
  const auto finding = nlohmann::json::parse(r.out)["findings"][0];
  EXPECT_NE(finding["message"].get<std::string>().find(
                "drops column users.legacy_flag, but application code still uses legacy_flag at "
                "app/models/user.rb:1 (and 1 more)"),
            std::string::npos)
      << finding["message"];
  // The README mentions it too, but documentation is no application code.
  EXPECT_EQ(finding["message"].get<std::string>().find("README"), std::string::npos);
}

TEST(Release, ARenameIsAnError) {
  GitRepo repo("rename");
  FirstRelease(repo);
  repo.Write("db/migrations/V2__rename_name.sql",
             "ALTER TABLE users RENAME COLUMN name TO full_name;\n");
  repo.Write("app/views/users/show.erb", "<%= @user.full_name %>\n");
  repo.Commit("release 2: rename name to full_name");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // An ActiveRecord model reads every column of its table: the new version breaks too.
  EXPECT_NE(r.out.find("error[contract-still-referenced] This migration renames column users.name "
                       "to full_name, but application code still uses name at "
                       "app/models/user.rb:1: an ORM model maps the table and writes every column"),
            std::string::npos)
      << r.out;

  // A table renamed in a release of migrations only, while the code still says `users`.
  GitRepo table("rename-table");
  FirstRelease(table);
  table.Write("db/migrations/V2__rename_users.sql", "ALTER TABLE users RENAME TO accounts;\n");
  table.Write("app/models/user.rb",
              "class User < ApplicationRecord\n  self.table_name = 'users'\nend\n");
  table.Commit("release 2", "r2");
  const ProcessResult renamed = table.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD^"});
  EXPECT_EQ(renamed.exit_code, 0) << renamed.out;  // an empty release checks nothing
  table.Write("db/migrations/V3__noop.sql", "SELECT 1;\n");
  table.Commit("release 3");
  const ProcessResult second = table.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD"});
  EXPECT_EQ(second.exit_code, 1) << second.out;
  // The model names the table at the head too: the new version would break as well.
  EXPECT_NE(second.out.find("error[contract-still-referenced] This migration renames table users "
                            "to accounts, but application code still uses users at "
                            "app/models/user.rb:1 (and 1 more)"),
            std::string::npos)
      << second.out;
}

TEST(Release, AnAddOnlyReleaseIsClean) {
  GitRepo repo("add-only");
  FirstRelease(repo);
  repo.Write("db/migrations/V2__add_nickname.sql",
             "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n");
  repo.Write("app/views/users/show.erb", "<%= @user.name %> (<%= @user.nickname %>)\n");
  repo.Commit("release 2: nicknames");
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No findings in 1 file"), std::string::npos) << r.out;
}

TEST(Release, TheWayDownIsNoPartOfTheRelease) {
  // Adding a column with a down migration that drops it, as golang-migrate and dbmate write it
  // (one history per tool: each is recognised from its own directory).
  GitRepo repo("way-down");
  repo.Write("db/gm/000001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  repo.Write("db/dbmate/20230101000000_users.sql",
             "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  repo.Write("app/views/users/show.erb", "<%= @user.email %>\n");
  repo.Commit("release 1", "r1");
  repo.Write("db/gm/000002_nickname.up.sql", "ALTER TABLE users ADD COLUMN nickname text;\n");
  // The second drop undoes nothing its up migration added: a rollback that loses data.
  repo.Write("db/gm/000002_nickname.down.sql",
             "ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users DROP COLUMN email;\n");
  repo.Write("db/dbmate/20240101000000_avatar.sql",
             "-- migrate:up\nALTER TABLE users ADD COLUMN avatar text;\n\n"
             "-- migrate:down\nALTER TABLE users DROP COLUMN avatar;\n");
  repo.Write("app/views/users/show.erb", "<%= @user.email %> <%= @user.nickname %> <%= @user.avatar %>\n");
  repo.Commit("release 2: nicknames and avatars");
  const ProcessResult r =
      repo.Pgshift({"lint", "db/gm", "db/dbmate", "--release", "r1..HEAD", "--format", "json"});
  // The rollbacks are judged as rollbacks, not as contract steps of the release, and undoing
  // what their up migration added is no contract change at all.
  EXPECT_EQ(RulesIn(r), (std::vector<std::string>{"drop-column"})) << r.out;
  EXPECT_EQ(FindingsIn(r)[0]["file"], "db/gm/000002_nickname.down.sql") << r.out;
  EXPECT_EQ(FindingsIn(r)[0]["line"], 2) << r.out;
}

TEST(Release, AReleaseOfMigrationsOnlyIsCleanUnlessAReferenceRemains) {
  GitRepo repo("migrations-only");
  FirstRelease(repo);
  repo.Write("app/models/user.rb",
             "class User < ApplicationRecord\n  self.ignored_columns = [\"legacy_flag\"]\n"
             "  def email_domain = email.split('@').last\nend\n");
  repo.Write("lib/flags.rb", "LEGACY = :legacy_flag_v2\n");  // a longer word is another name
  repo.Commit("release 2: code stops using legacy_flag", "r2");
  repo.Write("db/migrations/V2__drop_legacy_flag.sql",
             "ALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 3: contract");
  const ProcessResult clean = repo.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;

  repo.Write("db/migrations/V3__drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n");
  repo.Commit("release 4: drop email, which the model still reads");
  const ProcessResult referenced = repo.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD"});
  EXPECT_EQ(referenced.exit_code, 1) << referenced.out;
  EXPECT_NE(referenced.out.find("V3__drop_email.sql:1:1: error[contract-still-referenced] This "
                                "migration drops column users.email, but application code still "
                                "uses email at app/models/user.rb:1 (and 1 more)"),
            std::string::npos)
      << referenced.out;
  EXPECT_EQ(referenced.out.find("V2__drop_legacy_flag.sql:1:1: error"), std::string::npos)
      << referenced.out;
}

TEST(Release, MixingExpandAndContractInOneMigration) {
  GitRepo repo("mixed");
  FirstRelease(repo);
  repo.Write("app/models/user.rb",
             "class User < ApplicationRecord\n  self.ignored_columns = [\"legacy_flag\"]\nend\n");
  repo.Commit("release 2", "r2");
  repo.Write(
      "db/migrations/V2__swap.sql",
      "ALTER TABLE users ADD COLUMN flags jsonb;\nALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 3");
  const ProcessResult r =
      repo.Pgshift({"lint", "db/migrations", "--release", "r2..HEAD", "--format", "json"});
  EXPECT_EQ(RulesIn(r), std::vector<std::string>{"mixed-expand-contract"}) << r.out;
}

TEST(Release, TablesOfUnreleasedMigrationsInTheSameReleaseAreNew) {
  GitRepo repo("batch");
  FirstRelease(repo);
  repo.Write("db/migrations/V2__events.sql", "CREATE TABLE events (id bigint, user_id bigint);\n");
  repo.Write("db/migrations/V3__events_index.sql",
             "CREATE INDEX events_user_idx ON events (user_id);\n");
  repo.Write("app/models/event.rb", "class Event < ApplicationRecord\nend\n");
  repo.Commit("release 2: events", "r2");
  // In release 2, events is created by an earlier migration of the same release: empty.
  const ProcessResult batch = repo.Pgshift({"lint", "db/migrations", "--release", "r1..r2"});
  EXPECT_EQ(batch.exit_code, 0) << batch.out << batch.err;
  // Once released, the same index on it blocks writes.
  const ProcessResult later = repo.Pgshift({"lint", "db/migrations/V3__events_index.sql"});
  EXPECT_EQ(later.exit_code, 1) << later.out;
  EXPECT_NE(later.out.find("error[non-concurrent-index-creation]"), std::string::npos) << later.out;
}

TEST(Release, AMigrationTheReleaseOnlyReformatsIsHistoryNotNew) {
  GitRepo repo("reformatted");
  FirstRelease(repo);
  // Release 2 reformats the migration deployed in release 1 and drops a column it created,
  // which the code of release 1 still reads while release 2 deploys.
  repo.Write("db/migrations/V1__users.sql",
             "CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  name text,\n  email text,\n"
             "  legacy_flag boolean\n);\n");
  repo.Write("app/models/user.rb",
             "class User < ApplicationRecord\n  self.ignored_columns = [\"legacy_flag\"]\nend\n");
  repo.Write("db/migrations/V2__drop_legacy_flag.sql",
             "ALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Commit("release 2: reformat V1, stop using legacy_flag and drop it");
  const ProcessResult r =
      repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "--format", "json", "-v"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // users was created by a deployed migration, not by the release: the drop is a hazard.
  EXPECT_EQ(RulesIn(r), std::vector<std::string>{"contract-with-code-change"}) << r.out;
  EXPECT_NE(r.err.find("1 migration(s) modified, not added: deployed before the release, they "
                       "are history"),
            std::string::npos)
      << r.err;
  // The reformatted V1 itself is not checked as a step of the release.
  EXPECT_EQ(r.out.find("V1__users.sql"), std::string::npos) << r.out;
}

TEST(Release, ConfiguredPathsDecideWhatIsApplicationCode) {
  GitRepo repo("configured");
  repo.Write(
      "pgshift.toml",
      "[release]\nmigrations = [\"sql/**\"]\ncode = [\"src/**\"]\nexclude = [\"src/legacy/**\"]\n");
  repo.Write("sql/V1__t.sql", "CREATE TABLE t (id bigint, old_col text);\n");
  repo.Write("src/legacy/report.py", "SELECT old_col FROM t\n");
  repo.Write("src/app.py", "print('hello')\n");
  repo.Write("scripts/oneoff.sh", "psql -c 'select old_col from t'\n");
  repo.Commit("one", "r1");
  repo.Write("sql/V2__drop.sql", "ALTER TABLE t DROP COLUMN old_col;\n");
  repo.Write("scripts/oneoff.sh", "echo done\n");  // not application code: no code change
  repo.Commit("two");
  const ProcessResult r = repo.Pgshift({"lint", "sql", "--release", "r1..HEAD", "-v"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // With no application file at all, the release cannot be judged, and -v says so.
  repo.Write("pgshift.toml", "[release]\ncode = [\"web/**\"]\n");
  repo.Commit("three");
  const ProcessResult off = repo.Pgshift({"lint", "sql", "--release", "r1..HEAD", "-v"});
  EXPECT_EQ(off.exit_code, 1) << off.out;
  EXPECT_NE(off.err.find("release rules are off"), std::string::npos) << off.err;
  EXPECT_NE(off.out.find("error[drop-column]"), std::string::npos) << off.out;
}

TEST(Release, WithoutGitOrWithoutAReleaseTheRulesAreSilentAndVerboseSaysWhy) {
  GitRepo repo("no-release");
  FirstRelease(repo);
  repo.Write("db/migrations/V2__drop.sql", "ALTER TABLE users DROP COLUMN legacy_flag;\n");
  const ProcessResult none =
      repo.Pgshift({"lint", "db/migrations/V2__drop.sql", "-v", "--format", "json"});
  EXPECT_EQ(RulesIn(none), std::vector<std::string>{"drop-column"});
  EXPECT_NE(
      none.err.find("release rules are off (contract-still-referenced, contract-with-code-change, "
                    "mixed-expand-contract): no --release or --changed-files given"),
      std::string::npos)
      << none.err;

  // Not a git repository: the release is ignored with a warning, the generic rules still run.
  repo.Git({"init", "-q"});
  std::filesystem::remove_all(repo.dir() / ".git");
  const ProcessResult no_git =
      repo.Pgshift({"lint", "db/migrations", "--release", "r1..HEAD", "-v"});
  EXPECT_EQ(no_git.exit_code, 1) << no_git.out << no_git.err;
  EXPECT_NE(no_git.err.find("warning: --release r1..HEAD ignored, release rules are off"),
            std::string::npos)
      << no_git.err;
  EXPECT_NE(no_git.err.find("not in a git work tree"), std::string::npos) << no_git.err;
  EXPECT_NE(no_git.out.find("error[drop-column]"), std::string::npos);
}

TEST(Release, AnUnknownRevisionIsAUsageError) {
  GitRepo repo("bad-revision");
  FirstRelease(repo);
  const ProcessResult r = repo.Pgshift({"lint", "db/migrations", "--release", "nope..HEAD"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("`nope` names no commit"), std::string::npos) << r.err;
  EXPECT_EQ(repo.Pgshift({"lint", "db/migrations", "--release", "..HEAD"}).exit_code, 2);
}

TEST(Release, ChangedFilesListInsteadOfGit) {
  GitRepo repo("changed-files");  // a plain directory is enough: nothing here asks git
  std::filesystem::remove_all(repo.dir() / ".git");
  repo.Write("db/V1__users.sql", "CREATE TABLE users (id bigint, legacy_flag boolean);\n");
  repo.Write("db/V2__drop.sql", "ALTER TABLE users DROP COLUMN legacy_flag;\n");
  repo.Write("app/user.rb", "class User\nend\n");
  repo.Write("lib/report.rb", "\n\nputs user.legacy_flag\n");
  repo.Write("changed.txt", "db/V2__drop.sql\n");
  const ProcessResult referenced = repo.Pgshift({"lint", "db", "--changed-files", "changed.txt"});
  EXPECT_EQ(referenced.exit_code, 1) << referenced.out << referenced.err;
  EXPECT_NE(referenced.out.find("still uses legacy_flag at lib/report.rb:3"), std::string::npos)
      << referenced.out;
  // git diff --name-status output works too, and the code change is seen.
  repo.Write("lib/report.rb", "puts 1\n");
  repo.Write("changed.txt", "A\tdb/V2__drop.sql\nM\tapp/user.rb\nD\tlib/old.rb\n");
  const ProcessResult with_code = repo.Pgshift({"lint", "db", "--changed-files", "changed.txt"});
  EXPECT_EQ(with_code.exit_code, 1) << with_code.out;
  EXPECT_NE(with_code.out.find("changes application code (app/user.rb and 1 more file)"),
            std::string::npos)
      << with_code.out;
  EXPECT_EQ(with_code.out.find("still uses"), std::string::npos) << with_code.out;
  EXPECT_EQ(repo.Pgshift({"lint", "db", "--changed-files", "missing.txt"}).exit_code, 2);
}

TEST(Release, ChangedSinceChecksOnlyWhatChanged) {
  GitRepo repo("changed-since");
  repo.Write("db/V1__a.sql", "CREATE INDEX a_idx ON a (x);\n");
  repo.Write("db/V2__b.sql", "CREATE INDEX b_idx ON b (x);\n");
  repo.Commit("legacy", "adopted");
  repo.Write("db/V3__c.sql", "CREATE INDEX c_idx ON c (x);\n");  // untracked, still checked
  repo.Write("db/V2__b.sql", "CREATE INDEX CONCURRENTLY b_idx ON b (x);\n");
  const ProcessResult r =
      repo.Pgshift({"lint", "db", "--changed-since", "adopted", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto findings = FindingsIn(r);
  ASSERT_EQ(findings.size(), 1u) << r.out;
  EXPECT_NE(findings[0]["file"].get<std::string>().find("V3__c.sql"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.out)["summary"]["files"], 2);
  EXPECT_EQ(repo.Pgshift({"lint", "db", "--changed-since", "no-such-ref"}).exit_code, 2);
}

}  // namespace
}  // namespace pgshift::testing
