#include "workspace/release_migrations.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <variant>

#include "workspace/release_paths.h"

namespace pgshift::workspace {

GitResult<std::shared_ptr<const CommitTexts>> SqlAtCommit(const Git& git, const std::string& commit,
                                                          const std::vector<std::string>& roots,
                                                          std::size_t max_bytes) {
  std::vector<std::string> directories;
  for (const std::string& root : roots) {
    std::error_code error;
    // A folder the working tree lacks (only the head has it) is a folder all the same.
    const bool folder = std::filesystem::is_directory(root, error) ||
                        (!std::filesystem::exists(root, error) && !root.ends_with(".sql"));
    directories.push_back(folder ? root
                                 : std::filesystem::path(root).parent_path().generic_string());
  }
  auto tree = git.ListTree(commit);
  if (auto* error = std::get_if<GitError>(&tree)) return *error;
  const std::string top = CanonicalPath(git.top());
  std::vector<TreeFile> blobs;
  std::vector<std::string> paths;
  for (TreeFile& file : std::get<std::vector<TreeFile>>(tree)) {
    if (!file.path.ends_with(".sql") || file.size > max_bytes) continue;
    const std::string canonical = top + "/" + file.path;
    for (const std::string& directory : directories) {
      if (canonical.starts_with(directory + "/")) {
        paths.push_back(canonical);
        blobs.push_back(std::move(file));
        break;
      }
    }
  }
  auto texts = std::make_shared<CommitTexts>();
  auto error = git.ReadBlobs(blobs, [&](std::size_t i, std::string_view contents) {
    texts->emplace(paths[i], std::string(contents));
  });
  if (error) return *error;
  return std::shared_ptr<const CommitTexts>(std::move(texts));
}

std::filesystem::path ExistingFolder(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path folder = fs::absolute(path, error);
  if (error) return fs::current_path();
  while (!fs::is_directory(folder, error) && folder.has_relative_path()) folder = folder.parent_path();
  return folder;
}

void AddMigrationsOnlyAtHead(const std::string& release, const std::vector<std::string>& paths,
                             InputsResult& result) {
  namespace fs = std::filesystem;
  const std::optional<RevisionRange> range = ParseRange(release);
  std::vector<std::string> given;
  for (const std::string& path : paths) {
    if (path != "-") given.push_back(path);
  }
  if (!range || given.empty()) return;
  auto opened = Git::Open(ExistingFolder(given.front()));
  if (!std::holds_alternative<Git>(opened)) return;
  const Git& git = std::get<Git>(opened);
  const auto head = git.ResolveCommit(range->head);
  if (!std::holds_alternative<std::string>(head)) return;
  const auto tree = git.ListTree(std::get<std::string>(head));
  if (!std::holds_alternative<std::vector<TreeFile>>(tree)) return;
  const std::string top = CanonicalPath(git.top());
  bool added = false;
  for (const std::string& path : given) {
    const std::string root = CanonicalPath(path);
    bool at_head = false;
    for (const TreeFile& file : std::get<std::vector<TreeFile>>(tree)) {
      if (!file.path.ends_with(".sql")) continue;
      const std::string canonical = top + "/" + file.path;
      const bool below = canonical.starts_with(root + "/");
      if (!below && canonical != root) continue;
      at_head = true;
      std::error_code error;
      if (fs::exists(canonical, error)) continue;  // listed from the working tree already
      result.inputs.push_back(
          {below ? fs::path(path) / canonical.substr(root.size() + 1) : fs::path(path), false});
      added = true;
    }
    if (!at_head) continue;
    std::erase(result.without_sql, path);
    std::erase(result.errors, path + ": no such file or directory");
  }
  // In the order of their paths, as a directory's files are listed: the history's order.
  const bool from_stdin = std::any_of(result.inputs.begin(), result.inputs.end(),
                                      [](const LintInput& input) { return input.from_stdin; });
  if (added && !from_stdin) {
    std::sort(result.inputs.begin(), result.inputs.end(),
              [](const LintInput& a, const LintInput& b) {
                return std::filesystem::path(a.path) < std::filesystem::path(b.path);
              });
  }
}

bool ReadAtCommit(const CommitTexts* texts, const std::string& canonical, std::string& text) {
  if (texts == nullptr) return false;
  const auto found = texts->find(canonical);
  if (found == texts->end()) return false;
  text = found->second;
  return true;
}

}  // namespace pgshift::workspace
