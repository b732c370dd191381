// Which upgrade the migrations of each planned history ship in (migration_upgrades.h), for one
// lint run: the repository is asked of git as soon as the inputs are known, while the jobs are
// planned, and each history's upgrades are inferred once it is planned, on its planning thread.
#pragma once

#include <future>
#include <string>
#include <vector>

#include "rules/lint_settings.h"
#include "workspace/config.h"
#include "workspace/git.h"
#include "workspace/history_jobs.h"
#include "workspace/input_settings.h"
#include "workspace/lint_inputs.h"

namespace pgshift::workspace {

class JobUpgrades {
 public:
  // With `infer`, starts asking git for the repository of the inputs' common folder (git takes a
  // few milliseconds; the histories under that folder, usually all, share its answer), when some
  // input's history may infer its upgrades.
  JobUpgrades(const std::vector<LintInput>& inputs, const std::vector<const Config*>& configs,
              const InputSettings& settings, bool infer);
  JobUpgrades(const JobUpgrades&) = delete;
  JobUpgrades& operator=(const JobUpgrades&) = delete;

  // Sets the upgrades of each job that keeps a history and infers them; adds one note per such
  // job (for --verbose), in the jobs' order. Threads may infer the upgrades of different jobs at
  // the same time.
  void Infer(std::vector<Job>& jobs, std::vector<std::string>* notes);

 private:
  const std::vector<const Config*>& configs_;
  const InputSettings& settings_;
  bool infer_;
  GitLocator locator_;  // histories in one repository (or in none) share one git process
  std::shared_future<void> located_;  // the common folder's answer, asked ahead
};

}  // namespace pgshift::workspace
