// Which migrations a lint run checks and what it knows about their release, from --release
// (git), --changed-files, --changed-since, and pgshift.toml ([release], [phases]). Everything
// that reads git or the file system for this happens here; the rules get plain facts.
#pragma once

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "rules/lint_settings.h"
#include "workspace/config.h"
#include "workspace/input_settings.h"
#include "workspace/lint_inputs.h"
#include "workspace/release_migrations.h"

namespace pgshift::workspace {

struct ScopeRequest {
  std::string release;             // --release BASE..HEAD
  std::string changed_files;       // --changed-files FILE
  std::string changed_since;       // --changed-since REF
  std::vector<std::string> paths;  // the files and directories given to `pgshift lint`
  unsigned threads = 1;            // for resolving the inputs' paths side by side
};

struct LintScope {
  // Per input: whether it is checked. Inputs not checked are still replayed as history.
  std::vector<bool> selected;
  // Per input: its canonical path (CanonicalPath), resolved once for the scope and the plan.
  std::vector<std::string> canonical;
  // Canonical paths of the files the release adds: migrations among them are not released yet,
  // so what they create counts as new. A migration the release only modifies was deployed.
  std::set<std::string> unreleased;
  // With --release, the .sql files below the linted paths as the release's head commit holds
  // them: migrations are read from there rather than from the working tree. Null otherwise.
  std::shared_ptr<const CommitTexts> release_texts;
  // Without a release (--release, --changed-files): whether each history's migrations are
  // grouped into upgrades by its git tags (workspace/migration_upgrades.h), where its configuration
  // allows it.
  bool infer_upgrades = false;
  // --verbose: findings that the grouping quiets are explained in the file's notes (which costs
  // a second check of the files that follow another of their upgrade).
  bool verbose = false;
  std::vector<std::string> notes;     // for --verbose
  std::vector<std::string> warnings;  // always shown: a release asked for and not available
};

struct ScopeError {
  std::string message;  // a usage error: exit 2
};

// Fills `settings[i].release` and `.phase` (directory conventions) for the inputs it selects.
std::variant<LintScope, ScopeError> ScopeLint(const ScopeRequest& request,
                                              const std::vector<LintInput>& inputs,
                                              const std::vector<const Config*>& configs,
                                              InputSettings& settings);

// The directory a configuration's globs are relative to: the one holding pgshift.toml, else
// `fallback`.
std::string ConfigBase(const Config& config, const std::string& fallback);

}  // namespace pgshift::workspace
