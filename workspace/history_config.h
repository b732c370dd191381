// The [history], [release] and [phases] sections of pgshift.toml: how migrations form a history,
// which paths of a release are migrations and which are application code, and which directories
// hold which phase. Globs are relative to the directory of pgshift.toml (see workspace/path_glob.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "workspace/migration_upgrades.h"
#include "rules/history/migration_order.h"
#include "rules/phase.h"

namespace pgshift::workspace {

struct HistoryConfig {
  bool replay = true;  // judge each migration against the schema its predecessors built
  rules::MigrationOrderStyle order = rules::MigrationOrderStyle::kAuto;
  // Directories that each hold one history, searched recursively (Flyway's subfolders). Without
  // them a migration's history is its own directory (or the one above a migration folder).
  std::vector<std::string> roots;
  std::vector<std::string> exclude;  // globs of .sql files that are no migrations (seeds, ...)
  // The migration tool that runs the migrations (project/migration_tools/): empty to recognise
  // it from each history's directory, "none" for no tool.
  std::string tool;
  // Whether migrations are grouped into upgrades by the repository's release tags
  // (workspace/migration_upgrades.h), and which tags count: a regular expression the whole tag name
  // must match.
  bool upgrades = true;
  std::string upgrade_tags = std::string(kDefaultUpgradeTags);
};

// What application code is not, unless [release] exclude says otherwise: documentation,
// lock files, hidden files and directories, third-party code.
// clang-format off
inline const std::vector<std::string> kDefaultCodeExcludes = {
    "**/.*", "**/.*/**",                                          // hidden files and directories
    "**/*.md", "**/*.rst", "**/*.txt", "**/docs/**",              // documentation
    "**/CHANGELOG*", "**/LICENSE*",
    "**/*.lock", "**/package-lock.json",                          // lock files
    "**/node_modules/**", "**/vendor/**",                         // third-party code
    "pgshift.toml", "**/pgshift-baseline.json"};
// clang-format on

struct ReleaseConfig {
  // Globs of migration files. Empty: the files and directories given to `pgshift lint`.
  std::vector<std::string> migrations;
  std::vector<std::string> code = {"**"};  // application code: what is not a migration
  std::vector<std::string> exclude = kDefaultCodeExcludes;
};

// [phases]: globs of files that belong to a phase (a directory convention); a marker in the
// file wins.
using PhaseGlobs = std::map<rules::Phase, std::vector<std::string>>;

}  // namespace pgshift::workspace
