#include "workspace/job_upgrades.h"

#include <optional>
#include <utility>

#include "workspace/migration_upgrades.h"

namespace pgshift::workspace {
namespace {

// The folder that holds every input's folder, when they are files on disk and some history of
// theirs may have its upgrades inferred from git. Relative folders are taken from ".".
std::optional<std::string> CommonFolder(const std::vector<LintInput>& inputs,
                                        const std::vector<const Config*>& configs,
                                        const InputSettings& settings) {
  std::optional<std::string> common;
  bool inferred = false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].from_stdin) return std::nullopt;
    inferred = inferred || (configs[i]->history.upgrades && settings[i].schema == nullptr);
    const std::string parent = std::filesystem::path(inputs[i].path).parent_path().native();
    const std::string folder = parent.starts_with('/') ? parent : "./" + parent;
    if (!common) {
      common = folder;
      continue;
    }
    if (common->front() != folder.front()) return std::nullopt;  // absolute and relative
    // The longest start the two share that ends where a folder's name ends.
    std::size_t same = 0;
    while (same < common->size() && same < folder.size() && (*common)[same] == folder[same]) ++same;
    if (same == common->size() && (same == folder.size() || folder[same] == '/')) continue;
    const std::size_t slash = common->rfind('/', same);
    common->resize(slash == 0 ? 1 : slash);  // "/" or "." at the least
  }
  if (!inferred || !common) return std::nullopt;
  return common;
}

}  // namespace

JobUpgrades::JobUpgrades(const std::vector<LintInput>& inputs,
                         const std::vector<const Config*>& configs, const InputSettings& settings,
                         bool infer)
    : configs_(configs), settings_(settings), infer_(infer) {
  if (!infer_) return;
  if (std::optional<std::string> folder = CommonFolder(inputs, configs, settings)) {
    located_ = std::async(std::launch::async, [this, folder = std::move(*folder)] {
                 locator_.Ask(folder);
               }).share();
  }
}

void JobUpgrades::Infer(std::vector<Job>& jobs, std::vector<std::string>* notes) {
  if (!infer_) return;
  if (located_.valid()) {
    const std::shared_future<void> located = located_;  // a copy per caller, as threads may wait
    located.get();
  }
  for (Job& job : jobs) {
    if (job.root.empty()) continue;
    // The job's configuration is that of its checked files; a snapshot replaces the history.
    const Config* config = nullptr;
    bool snapshot = false;
    std::vector<std::string> files;
    for (const Step& step : job.steps) {
      files.push_back(step.path);
      if (!step.input) continue;
      config = configs_[*step.input];
      snapshot = snapshot || settings_[*step.input].schema != nullptr;
    }
    if (config == nullptr || snapshot || !config->history.upgrades) continue;
    // Asks git (a few processes per history).
    std::string note;
    job.upgrades = InferUpgrades(job.root, files, config->history.upgrade_tags, locator_, note);
    if (notes != nullptr) notes->push_back(std::move(note));
  }
}

}  // namespace pgshift::workspace
