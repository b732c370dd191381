#include "cli/release_paths.h"

#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace pgshift::cli {
namespace {

bool IsUnder(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.starts_with(root) &&
                          (root.ends_with("/") || path[root.size()] == '/'));
}

bool LooksBinary(std::string_view text) {
  return text.substr(0, 8000).find('\0') != std::string_view::npos;
}

}  // namespace

namespace {

std::string ResolvedPath(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  std::filesystem::path canonical = std::filesystem::weakly_canonical(absolute, error);
  return (error ? absolute.lexically_normal() : canonical).generic_string();
}

}  // namespace

std::string CanonicalPath(const std::filesystem::path& path) {
  // Resolving a path reads every link on the way (a dozen system calls for a migration file,
  // a tenth of linting a large tree), so a plain file's folder is resolved once and remembered.
  static std::mutex mutex;
  static std::unordered_map<std::string, std::string> folders;
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::symlink_status(path, error);
  if (error || !std::filesystem::is_regular_file(status)) return ResolvedPath(path);
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) return ResolvedPath(path);
  const std::string parent = absolute.parent_path().string();
  std::string folder;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    auto found = folders.find(parent);
    if (found == folders.end()) found = folders.emplace(parent, ResolvedPath(parent)).first;
    folder = found->second;
  }
  return folder + (folder.ends_with('/') ? "" : "/") + absolute.filename().generic_string();
}

ReleasePaths::ReleasePaths(const std::string& base, const ReleaseConfig& config,
                           std::vector<std::string> lint_roots)
    : base_(base),
      migrations_(config.migrations),
      code_(config.code),
      exclude_(config.exclude),
      lint_roots_(std::move(lint_roots)) {}

std::string ReleasePaths::Relative(const std::string& canonical) const {
  if (!IsUnder(canonical, base_) || canonical == base_) return {};
  return canonical.substr(base_.size() + (base_.ends_with("/") ? 0 : 1));
}

bool ReleasePaths::IsMigration(const std::string& canonical) const {
  if (!migrations_.empty()) {
    const std::string relative = Relative(canonical);
    return !relative.empty() && migrations_.Matches(relative);
  }
  for (const std::string& root : lint_roots_) {
    if (IsUnder(canonical, root)) return true;
  }
  return false;
}

bool ReleasePaths::IsCode(const std::string& canonical) const {
  const std::string relative = Relative(canonical);
  return !relative.empty() && !IsMigration(canonical) && code_.Matches(relative) &&
         !exclude_.Matches(relative);
}

bool ReleasePaths::SkipsDirectory(const std::string& relative) const {
  return exclude_.CoversDirectory(relative);
}

GitResult<std::shared_ptr<rules::CodeIndex>> IndexCommitCode(const Git& git,
                                                             const std::string& commit,
                                                             const ReleasePaths& paths) {
  auto tree = git.ListTree(commit);
  if (auto* error = std::get_if<GitError>(&tree)) return *error;
  const std::string top = CanonicalPath(git.top());
  std::vector<TreeFile> blobs;
  std::vector<std::string> names;
  for (TreeFile& file : std::get<std::vector<TreeFile>>(tree)) {
    const std::string canonical = top + "/" + file.path;
    if (file.size > kMaxCodeFileBytes || !paths.IsCode(canonical)) continue;
    names.push_back(paths.Relative(canonical));
    blobs.push_back(std::move(file));
  }
  auto index = std::make_shared<rules::CodeIndex>();
  auto error = git.ReadBlobs(blobs, [&](std::size_t i, std::string_view contents) {
    if (!LooksBinary(contents)) index->AddFile(names[i], contents);
  });
  if (error) return *error;
  return index;
}

std::shared_ptr<rules::CodeIndex> IndexWorkTreeCode(const ReleasePaths& paths) {
  namespace fs = std::filesystem;
  auto index = std::make_shared<rules::CodeIndex>();
  std::error_code error;
  fs::recursive_directory_iterator it(paths.base(), fs::directory_options::skip_permission_denied,
                                      error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string canonical =
        paths.base() + "/" + it->path().lexically_relative(paths.base()).generic_string();
    const std::string relative = paths.Relative(canonical);
    std::error_code entry_error;
    if (it->is_directory(entry_error)) {
      if (it->path().filename().string().starts_with(".") || paths.SkipsDirectory(relative)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(entry_error) || it->file_size(entry_error) > kMaxCodeFileBytes ||
        !paths.IsCode(canonical)) {
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string contents = std::move(text).str();
    if (in && !LooksBinary(contents)) index->AddFile(relative, contents);
  }
  return index;
}

}  // namespace pgshift::cli
