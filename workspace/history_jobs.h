// How the inputs of one lint run become jobs: the files of one migration history, in the order
// its tool applies them, with the inputs to check among them (down files placed after the
// migration they undo); a file outside any history, or with replay off, is a job of its own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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

// The plan of a lint run, part by part: a part is a file checked on its own or one history, whose
// tool is recognised and whose files are ordered when the part is planned. Parts may be planned
// on any threads, in any order, each once; a history's thread can then start checking it while
// other histories are still being planned.
class JobPlanner {
 public:
  // Finds each selected input's history (on up to `threads` threads) and the parts.
  JobPlanner(const std::vector<LintInput>& inputs, const std::vector<const Config*>& configs,
             const LintScope& scope, bool replay, unsigned threads);
  JobPlanner(const JobPlanner&) = delete;
  JobPlanner& operator=(const JobPlanner&) = delete;

  std::size_t parts() const { return parts_.size(); }
  // The part with the most files (the first of those): its history is the longest to check.
  std::size_t Largest() const;
  // Whether some part is a history, whose files a thread may parse ahead of its check.
  bool HasHistory() const;
  // The jobs of part p: a file on its own; or the files under a history that are not part of it,
  // each on its own, then the history.
  std::vector<Job> Plan(std::size_t p);
  // Which tool each history was recognised as, and why (for --verbose): once every part is
  // planned, in the order of the parts that first asked for each.
  void Notes(std::vector<std::string>& notes);

 private:
  static constexpr std::size_t kNoTool = SIZE_MAX;
  struct Part {
    std::size_t input = 0;  // a file on its own: the input
    std::string root;       // a history: its root, searched recursively or not
    bool recursive = false;
    std::size_t tool = kNoTool;
    std::vector<std::size_t> members;  // a history: the inputs in it
  };
  // One tool recognition per history root and configuration, shared by the parts asking it.
  struct Tool {
    std::string root;
    const Config* config = nullptr;
    std::once_flag once;
    std::shared_ptr<const project::ToolChoice> choice;
  };
  std::size_t Request(const std::string& root, const Config& config);
  const std::shared_ptr<const project::ToolChoice>& ToolOf(std::size_t slot);

  const std::vector<LintInput>& inputs_;
  const std::vector<const Config*>& configs_;
  const std::vector<std::string>& canonical_;
  std::vector<Part> parts_;
  std::vector<std::unique_ptr<Tool>> tools_;
  std::map<std::pair<std::string, std::string>, std::size_t> tool_slots_;
};

}  // namespace pgshift::workspace
