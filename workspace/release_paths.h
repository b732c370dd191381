// Sorts the files of a release into migrations, application code and the rest, following the
// [release] section of pgshift.toml.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "workspace/git.h"
#include "workspace/history_config.h"
#include "workspace/path_glob.h"

namespace pgshift::workspace {

// An absolute path with symbolic links resolved, '/' separated: how paths from git, from the
// command line and from the file system are compared.
std::string CanonicalPath(const std::filesystem::path& path);
// The same for a path known to name a regular file, not a link (its folder's listing said so),
// made absolute against `working_directory` (absolute itself) when it is relative.
std::string CanonicalFilePath(const std::string& path, const std::string& working_directory);

class ReleasePaths {
 public:
  // `base`: the directory globs are relative to. `lint_roots`: canonical paths of the files and
  // directories given to `pgshift lint`, which hold the migrations when [release] migrations is
  // not set.
  ReleasePaths(const std::string& base, const ReleaseConfig& config,
               std::vector<std::string> lint_roots);

  const std::string& base() const { return base_; }
  // `canonical` relative to the base, or empty when it lies outside it.
  std::string Relative(const std::string& canonical) const;
  bool IsMigration(const std::string& canonical) const;
  bool IsCode(const std::string& canonical) const;
  // Whether a walk of the file system can skip this directory (relative to the base) whole.
  bool SkipsDirectory(const std::string& relative) const;

 private:
  std::string base_;
  GlobSet migrations_, code_, exclude_;
  std::vector<std::string> lint_roots_;
};

}  // namespace pgshift::workspace
