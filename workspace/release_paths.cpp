#include "workspace/release_paths.h"

#include <functional>
#include <string_view>
#include <unordered_map>

namespace pgshift::workspace {
namespace {

bool IsUnder(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.starts_with(root) &&
                          (root.ends_with("/") || path[root.size()] == '/'));
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

namespace {

// A plain file's path, given absolute: its folder resolved (and remembered), then its name.
// Resolving a path reads every link on the way (a dozen system calls for a migration file, a
// tenth of linting a large tree), so each folder is resolved once per thread; one cache for all
// threads made the `--jobs` threads wait on each other's lock for every file.
std::string InResolvedFolder(std::string_view absolute) {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  thread_local std::unordered_map<std::string, std::string, Hash, std::equal_to<>> folders;
  const std::size_t slash = absolute.rfind('/');
  const std::string_view parent = slash == 0 ? absolute.substr(0, 1) : absolute.substr(0, slash);
  auto found = folders.find(parent);
  if (found == folders.end()) {
    found = folders.emplace(std::string(parent), ResolvedPath(std::string(parent))).first;
  }
  const std::string& folder = found->second;
  std::string path;
  path.reserve(folder.size() + 1 + absolute.size() - slash - 1);
  path += folder;
  if (!folder.ends_with('/')) path += '/';
  path += absolute.substr(slash + 1);
  return path;
}

}  // namespace

std::string CanonicalPath(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::symlink_status(path, error);
  if (error || !std::filesystem::is_regular_file(status)) return ResolvedPath(path);
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) return ResolvedPath(path);
  return InResolvedFolder(absolute.native());
}

std::string CanonicalFilePath(const std::string& path, const std::string& working_directory) {
  if (path.starts_with('/')) return InResolvedFolder(path);
  // Joined as strings: std::filesystem::absolute asks the kernel for the working directory each
  // time, and a path object splits itself into components, for every one of thousands of files.
  std::string absolute;
  absolute.reserve(working_directory.size() + 1 + path.size());
  absolute += working_directory;
  if (!working_directory.ends_with('/')) absolute += '/';
  absolute += path;
  return InResolvedFolder(absolute);
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

}  // namespace pgshift::workspace
