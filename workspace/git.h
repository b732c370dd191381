// What pgshift asks git about a release, through the git program (a subprocess: no library, and
// the user's own git with its configuration). Every answer is a value or a GitError.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pgshift::workspace {

struct GitError {
  std::string message;
  // True when git cannot answer at all here (not installed, not a repository): release rules
  // are then silent. False for a question git understood and refused (an unknown revision).
  bool unavailable = false;
};

template <class T>
using GitResult = std::variant<T, GitError>;

struct ChangedPath {
  char status = 'M';  // A added, M modified, D deleted, T type changed
  std::string path;   // relative to the repository's top level, '/' separated
};

struct TreeFile {
  std::string path;  // relative to the repository's top level
  std::string blob;  // object id
  std::size_t size = 0;
};

// Asks git for the repository that holds a directory once per place where git's own search could
// end differently: a directory without a `.git` (and that is no repository itself) has the answer
// of its parent on the same file system, so many folders of one repository, or none, cost one git
// process. Meant for one run: a repository created later is not seen. Safe across threads.
class GitLocator {
 public:
  struct Answer {
    bool started = false;
    int exit_code = -1;
    std::string out;
    std::string err;
  };
  // What `git -C directory rev-parse --show-toplevel` answers.
  Answer Ask(const std::filesystem::path& directory);
  // How many git processes were started (for tests).
  std::size_t asked() const;

 private:
  struct Entry {
    std::once_flag once;
    Answer answer;
  };
  mutable std::mutex mutex_;
  std::map<std::filesystem::path, std::shared_ptr<Entry>> entries_;
  std::size_t asked_ = 0;
};

class Git {
 public:
  // The repository that holds `directory`.
  static GitResult<Git> Open(const std::filesystem::path& directory);
  // The same, with the answers of one run shared between its directories (GitLocator).
  static GitResult<Git> Open(const std::filesystem::path& directory, GitLocator& locator);

  const std::filesystem::path& top() const { return top_; }

  // The commit a revision names, as a full object id.
  GitResult<std::string> ResolveCommit(std::string_view revision) const;
  // What changed from the merge base of `base` and `head` to `head` (renames as delete + add).
  GitResult<std::vector<ChangedPath>> Diff(std::string_view base, std::string_view head) const;
  // The files renamed from `base`'s tree to `head`'s (git's rename detection): former path and
  // new path, relative to the top level.
  GitResult<std::vector<std::pair<std::string, std::string>>> Renames(std::string_view base,
                                                                      std::string_view head) const;
  // What changed in the working tree (staged or not, and untracked files) since the merge base
  // of `ref` and HEAD.
  GitResult<std::vector<ChangedPath>> ChangedSince(std::string_view ref) const;
  // Every regular file of a commit's tree.
  GitResult<std::vector<TreeFile>> ListTree(std::string_view commit) const;
  // The names of the repository's tags ("v1.2.3"), in no particular order.
  GitResult<std::vector<std::string>> Tags() const;
  // Whether the repository is a shallow clone: its history, and its tags, may be incomplete.
  GitResult<bool> IsShallow() const;
  // The object id each name resolves to ("v1.2:db/migrations", an object id), or an empty
  // string for a name that resolves to nothing; one git process for all of them.
  GitResult<std::vector<std::string>> ObjectIds(const std::vector<std::string>& names) const;
  // Calls `read` with the contents of each file's blob, in the order given.
  std::optional<GitError> ReadBlobs(
      const std::vector<TreeFile>& blobs,
      const std::function<void(std::size_t index, std::string_view contents)>& read) const;

 private:
  explicit Git(std::filesystem::path top) : top_(std::move(top)) {}
  static GitResult<Git> FromAnswer(const std::filesystem::path& directory,
                                   const GitLocator::Answer& run);
  GitResult<std::string> Run(const std::vector<std::string>& args,
                             std::string stdin_data = {}) const;

  std::filesystem::path top_;
};

// "BASE..HEAD", "BASE...HEAD", "BASE.." (HEAD), or a single "BASE" (to HEAD).
struct RevisionRange {
  std::string base;
  std::string head;
};
std::optional<RevisionRange> ParseRange(std::string_view text);

}  // namespace pgshift::workspace
