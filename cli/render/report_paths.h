// Paths in reports that dashboards match across runs (SARIF, GitLab code quality): relative to
// the repository root, '/' separated, however the path was typed (./a.sql, a.sql, /abs/a.sql).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace pgshift::cli {

// The root reports are relative to: the top level of the git repository holding the current
// directory, else the current directory.
std::filesystem::path ReportRoot();

// `path` (relative to the current directory, or absolute) relative to `root`, '/' separated and
// without `.` or `..` steps; a path outside `root` stays absolute. Without a root, the path
// itself, normalised the same way.
std::string RootRelative(std::string_view path, const std::filesystem::path& root);

}  // namespace pgshift::cli
