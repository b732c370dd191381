// How the inputs of one lint run become jobs: the files of one migration history, in the order
// its tool applies them, with the inputs to check among them (down files placed after the
// migration they undo); a file outside any history, or with replay off, is a job of its own.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "project/file_source.h"
#include "project/recognition.h"
#include "workspace/config.h"
#include "workspace/lint_inputs.h"
#include "workspace/lint_scope.h"
#include "workspace/migration_upgrades.h"

namespace pgshift::workspace {

// The disk, as the migration tools read it.
const project::DiskFileSource& Disk();

struct Step {
  std::string path;                       // canonical
  std::optional<std::size_t> input;       // checked when set; otherwise only replayed
  bool replay = true;                     // false for down migrations: checked, never replayed
  bool unit_continues = false;            // the next migration is a file of the same unit
  std::optional<std::size_t> rolls_back;  // for a down file: the step of the migration it undoes
  bool keep_added = false;  // a down file of this migration is checked: keep what it added
  std::string note;         // why a file is checked on its own, for --verbose
};

struct Job {
  std::string root;  // empty for a file checked on its own
  std::shared_ptr<const project::ToolChoice> tool;
  std::vector<Step> steps;
  // The upgrade of each migration, from git tags; null when not inferred.
  std::shared_ptr<const MigrationUpgrades> upgrades = nullptr;
};

// The jobs for the selected inputs; `notes`, when given, receives which tool each history was
// recognised as, and why. Folders are read on up to `threads` threads; the jobs and the notes are
// the same for any number.
std::vector<Job> PlanJobs(const std::vector<LintInput>& inputs,
                          const std::vector<const Config*>& configs, const LintScope& scope,
                          bool replay, std::vector<std::string>* notes, unsigned threads = 1);

}  // namespace pgshift::workspace
