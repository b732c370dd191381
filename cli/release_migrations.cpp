#include "cli/release_migrations.h"

#include <filesystem>

#include "cli/release_paths.h"

namespace pgshift::cli {

GitResult<std::shared_ptr<const CommitTexts>> SqlAtCommit(const Git& git, const std::string& commit,
                                                          const std::vector<std::string>& roots,
                                                          std::size_t max_bytes) {
  std::vector<std::string> directories;
  for (const std::string& root : roots) {
    std::error_code error;
    directories.push_back(std::filesystem::is_directory(root, error)
                              ? root
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

bool ReadAtCommit(const CommitTexts* texts, const std::string& canonical, std::string& text) {
  if (texts == nullptr) return false;
  const auto found = texts->find(canonical);
  if (found == texts->end()) return false;
  text = found->second;
  return true;
}

}  // namespace pgshift::cli
