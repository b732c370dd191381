// A small, real git repository in a temporary directory, for tests of release awareness. Git
// runs isolated from the machine's configuration, with a fixed identity, so the tests work on a
// machine where git was never configured.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace pgshift::testing {

class GitRepo {
 public:
  explicit GitRepo(const std::string& name);
  ~GitRepo();
  GitRepo(const GitRepo&) = delete;
  GitRepo& operator=(const GitRepo&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string Path(const std::string& relative) const { return (dir_ / relative).string(); }

  void Write(const std::string& relative, const std::string& text) const;
  void Remove(const std::string& relative) const;
  // Commits everything in the work tree; with a tag name, tags the commit too.
  void Commit(const std::string& message, const std::string& tag = {}) const;
  ProcessResult Git(const std::vector<std::string>& args) const;
  // pgshift run in the repository, with git isolated like the repository's own.
  ProcessResult Pgshift(const std::vector<std::string>& args) const;

  // The environment that isolates git from the machine it runs on.
  static ProcessOptions Isolated(const std::string& cwd);

 private:
  std::filesystem::path dir_;
};

}  // namespace pgshift::testing
