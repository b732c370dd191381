#include "tests/support/git_repo.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace pgshift::testing {

namespace fs = std::filesystem;

ProcessOptions GitRepo::Isolated(const std::string& cwd) {
  ProcessOptions options;
  options.cwd = cwd;
  options.env = {{"GIT_AUTHOR_NAME", "pgshift tests"},
                 {"GIT_AUTHOR_EMAIL", "tests@pgshift.invalid"},
                 {"GIT_COMMITTER_NAME", "pgshift tests"},
                 {"GIT_COMMITTER_EMAIL", "tests@pgshift.invalid"},
                 {"GIT_CONFIG_NOSYSTEM", "1"},
                 {"GIT_CONFIG_GLOBAL", "/dev/null"}};
  return options;
}

GitRepo::GitRepo(const std::string& name)
    : dir_(fs::temp_directory_path() / ("pgshift-git-" + std::to_string(::getpid()) + "-" + name)) {
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const ProcessResult init = Git({"init", "-q", "-b", "main"});
  EXPECT_EQ(init.exit_code, 0) << init.err;
}

GitRepo::~GitRepo() { fs::remove_all(dir_); }

void GitRepo::Write(const std::string& relative, const std::string& text) const {
  const fs::path path = dir_ / relative;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void GitRepo::Remove(const std::string& relative) const { fs::remove(dir_ / relative); }

void GitRepo::Commit(const std::string& message, const std::string& tag) const {
  ProcessResult r = Git({"add", "-A"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Git({"commit", "-q", "--allow-empty", "-m", message});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (!tag.empty()) {
    r = Git({"tag", tag});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
}

ProcessResult GitRepo::Git(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, Isolated(dir_.string()));
}

ProcessResult GitRepo::Pgshift(const std::vector<std::string>& args) const {
  return RunPgshift(args, Isolated(dir_.string()));
}

}  // namespace pgshift::testing
