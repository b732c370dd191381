#include "cli/render/report_paths.h"

#include "workspace/git.h"

namespace pgshift::cli {

std::filesystem::path ReportRoot() {
  std::error_code ignored;
  const std::filesystem::path here = std::filesystem::current_path(ignored);
  auto git = workspace::Git::Open(here);
  if (const workspace::Git* repository = std::get_if<workspace::Git>(&git)) return repository->top();
  return here;
}

std::string RootRelative(std::string_view path, const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  const fs::path typed{std::string(path)};
  if (root.empty()) {
    std::string normal = typed.lexically_normal().generic_string();
    return normal.empty() || normal == "." ? std::string(path) : normal;
  }
  std::error_code ignored;
  // Symbolic links resolved on both sides: git names its top level by its real path.
  const fs::path file = fs::weakly_canonical(fs::absolute(typed, ignored), ignored);
  const fs::path base = fs::weakly_canonical(root, ignored);
  const fs::path relative = file.lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") return file.generic_string();
  return relative.generic_string();
}

}  // namespace pgshift::cli
