// GitLocator shares one git process between the folders whose repository git would find the same
// way; what it answers for each folder must be what asking git from that folder answers: the same
// top level inside a repository (and inside one nested in it), the same refusal outside of any.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "tests/support/git_repo.h"
#include "workspace/git.h"

namespace pgshift::workspace {
namespace {

namespace fs = std::filesystem;

// The top level, or the error and whether git could not answer at all.
std::string Describe(const GitResult<Git>& opened) {
  if (const Git* git = std::get_if<Git>(&opened)) return "top " + git->top().string();
  const GitError& error = std::get<GitError>(opened);
  return std::string(error.unavailable ? "unavailable " : "refused ") + error.message;
}

class GitLocatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* steering : {"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR",
                                 "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"}) {
      ASSERT_EQ(std::getenv(steering), nullptr) << steering << " is set: the test needs it unset";
    }
    outside_ = fs::temp_directory_path() / ("pgshift-locator-" + std::to_string(::getpid()));
    fs::remove_all(outside_);
    for (const char* folder : {"a", "b/c", "with-head/below"}) {
      fs::create_directories(outside_ / folder);
    }
    // A file named HEAD: git looks closer there (is this folder a repository?), and so must we.
    std::ofstream(outside_ / "with-head" / "HEAD") << "not a repository\n";
  }
  void TearDown() override {
    ::unsetenv("GIT_CEILING_DIRECTORIES");
    fs::remove_all(outside_);
  }
  fs::path outside_;
};

TEST_F(GitLocatorTest, AnswersEachFolderAsGitDoesWithFewerProcesses) {
  testing::GitRepo repo("locator");
  repo.Write("db/migrations/V1__a.sql", "SELECT 1;\n");
  repo.Write("db/other/V1__b.sql", "SELECT 1;\n");
  repo.Commit("one");
  testing::GitRepo nested("locator/vendor/inner");  // a repository inside the other's work tree
  nested.Write("sql/V1__c.sql", "SELECT 1;\n");
  fs::create_directory_symlink(repo.dir() / "db", outside_ / "linked-db");

  const std::vector<fs::path> folders = {
      repo.dir(),
      repo.dir() / "db" / "migrations",
      repo.dir() / "db" / "other",
      repo.dir() / "db",
      nested.dir() / "sql",
      nested.dir(),
      repo.dir() / ".git" / "refs",
      outside_ / "a",
      outside_ / "b" / "c",
      outside_ / "b",
      outside_ / "with-head" / "below",
      outside_ / "linked-db" / "migrations",  // a link into the repository
      outside_ / "missing",                   // no such folder: git says so, naming it
      fs::relative(repo.dir() / "db" / "other"),
  };
  GitLocator locator;
  for (const fs::path& folder : folders) {
    EXPECT_EQ(Describe(Git::Open(folder, locator)), Describe(Git::Open(folder))) << folder;
  }
  EXPECT_EQ(Describe(Git::Open(repo.dir() / "db" / "migrations", locator)),
            "top " + fs::canonical(repo.dir()).string());
  EXPECT_EQ(Describe(Git::Open(nested.dir() / "sql", locator)),
            "top " + fs::canonical(nested.dir()).string());
  EXPECT_NE(Describe(Git::Open(outside_ / "a", locator)).find("is not in a git work tree"),
            std::string::npos);
  // One process each for: the outer work tree, the nested one, the outer .git folder, the folders
  // outside (one search that ends where theirs ends), the folder with HEAD, the missing folder.
  EXPECT_EQ(locator.asked(), 6u);
}

TEST_F(GitLocatorTest, AsksFromEachFolderWhenTheEnvironmentSteersGit) {
  ASSERT_EQ(::setenv("GIT_CEILING_DIRECTORIES", outside_.c_str(), 1), 0);
  GitLocator locator;
  for (const fs::path& folder : {outside_ / "a", outside_ / "b" / "c", outside_ / "b"}) {
    EXPECT_EQ(Describe(Git::Open(folder, locator)), Describe(Git::Open(folder))) << folder;
  }
  EXPECT_EQ(locator.asked(), 3u);
}

}  // namespace
}  // namespace pgshift::workspace
