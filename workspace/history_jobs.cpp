#include "workspace/history_jobs.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "workspace/parallel_for.h"
#include "workspace/path_glob.h"
#include "workspace/release_paths.h"

namespace pgshift::workspace {
namespace {

namespace fs = std::filesystem;

bool IsUnder(const std::string& path, const std::string& root) {
  return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

// Every .sql file under a configured root, through its subfolders (Flyway's locations).
std::vector<std::string> ListRecursive(const std::string& root) {
  std::vector<std::string> files;
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    std::error_code ignored;
    if (it->is_directory(ignored) && it->path().filename().string().starts_with(".")) {
      it.disable_recursion_pending();
    }
    if (it->is_regular_file(ignored) && it->path().extension() == ".sql") {
      files.push_back(root + "/" + it->path().lexically_relative(root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The history root of an input, and whether it is searched recursively.
std::pair<std::string, bool> RootOf(const std::string& path, const Config& config) {
  // Resolving the working directory reads every link on its way: only when roots are configured.
  const std::string base = config.history.roots.empty()
                               ? std::string()
                               : ConfigBase(config, CanonicalPath(fs::current_path()));
  for (const std::string& root : config.history.roots) {
    const std::string absolute = CanonicalPath(fs::path(base) / root);
    if (IsUnder(path, absolute)) return {absolute, true};
  }
  return {project::HistoryRootOf(path, Disk()), false};
}

// The jobs of one history: the files given that are not part of it, each on its own, then the
// history itself from its first migration to the last one given.
std::vector<Job> PlanHistory(const std::string& root, bool recursive,
                             const std::vector<std::size_t>& members,
                             const std::vector<LintInput>& inputs,
                             const std::vector<std::string>& canonical, const Config& config,
                             const std::shared_ptr<const project::ToolChoice>& tool) {
  std::vector<Job> jobs;
  const ReleasePaths paths(ConfigBase(config, root), {}, {});
  const GlobSet excluded(config.history.exclude);
  std::vector<std::string> files;
  for (std::string file : recursive ? ListRecursive(root) : *tool->tool->List(root, Disk())) {
    const std::string relative = paths.Relative(file);
    if (relative.empty() || !excluded.Matches(relative)) files.push_back(std::move(file));
  }
  // An editor's buffer not saved yet is no file to list: it takes its place in the history.
  for (std::size_t i : members) {
    if (inputs[i].text == nullptr || fs::exists(canonical[i])) continue;
    if (std::find(files.begin(), files.end(), canonical[i]) == files.end()) {
      files.insert(std::upper_bound(files.begin(), files.end(), canonical[i]), canonical[i]);
    }
  }
  const project::HistoryPlan plan = tool->tool->Plan(files, Disk());
  std::map<std::string, std::size_t> position;
  for (std::size_t p = 0; p < plan.files.size(); ++p) position[plan.files[p]] = p;
  std::map<std::string, const project::Rollback*> rollbacks;
  for (const project::Rollback& rollback : plan.rollbacks) rollbacks[rollback.path] = &rollback;
  std::map<std::string, std::string> not_migrations;
  for (const project::NotMigration& skipped : plan.skipped) {
    not_migrations[skipped.path] = skipped.reason;
  }
  std::size_t last = 0;
  std::map<std::size_t, std::size_t> input_at;  // position -> input
  std::multimap<std::size_t, std::pair<std::size_t, const project::Rollback*>> down_after;
  for (std::size_t i : members) {
    const auto found = position.find(canonical[i]);
    const auto down = rollbacks.find(canonical[i]);
    if (found != position.end() && input_at.count(found->second) == 0) {
      input_at[found->second] = i;
      last = std::max(last, found->second + 1);
    } else if (down != rollbacks.end()) {
      down_after.emplace(down->second->after, std::make_pair(i, down->second));
      last = std::max(last, down->second->after);
    } else {
      // Not part of the history (or given twice): checked on its own.
      const auto why = not_migrations.find(canonical[i]);
      Step step{canonical[i], i};
      if (why != not_migrations.end()) {
        step.note = canonical[i] + ": not part of the history in " + root + " (" + why->second +
                    "): checked on its own";
      }
      jobs.push_back({{}, tool, {std::move(step)}});
    }
  }
  Job job{root, tool, {}};
  job.steps.reserve(last + down_after.size());
  std::vector<std::size_t> step_of(plan.files.size());
  for (std::size_t p = 0; p <= last; ++p) {
    for (auto [it, end] = down_after.equal_range(p); it != end; ++it) {
      Step step{canonical[it->second.first], it->second.first, /*replay=*/false};
      if (const auto undone = it->second.second->rolls_back; undone && *undone < p) {
        step.rolls_back = step_of[*undone];
        job.steps[step_of[*undone]].keep_added = true;
      }
      job.steps.push_back(std::move(step));
    }
    if (p == last) break;
    const auto found = input_at.find(p);
    Step step{plan.files[p],
              found == input_at.end() ? std::nullopt : std::optional<std::size_t>(found->second)};
    step.unit_continues = p + 1 < plan.files.size() && p + 1 < plan.units.size() &&
                          plan.units[p + 1] == plan.units[p];
    step_of[p] = job.steps.size();
    job.steps.push_back(std::move(step));
  }
  if (!input_at.empty() || !down_after.empty()) jobs.push_back(std::move(job));
  return jobs;
}

}  // namespace

const project::DiskFileSource& Disk() {
  static const project::DiskFileSource disk;
  return disk;
}

JobPlanner::JobPlanner(const std::vector<LintInput>& inputs,
                       const std::vector<const Config*>& configs, const LintScope& scope,
                       bool replay, unsigned threads)
    : inputs_(inputs), configs_(configs), canonical_(scope.canonical) {
  // Finding the history roots reads the disk folder by folder: side by side.
  std::vector<std::pair<std::string, bool>> roots(inputs.size());
  ParallelFor(inputs.size(), threads, [&](std::size_t i) {
    if (!scope.selected[i]) return;
    if (inputs[i].from_stdin && inputs[i].path == "<stdin>") return;
    roots[i] = RootOf(canonical_[i], *configs[i]);
  });
  std::map<std::pair<std::string, bool>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!scope.selected[i]) continue;
    // Standard input without a file name has no place in any history.
    if (inputs[i].from_stdin && inputs[i].path == "<stdin>") {
      parts_.push_back({i, {}, false, kNoTool});
      continue;
    }
    if (!replay || !configs[i]->history.replay) {
      parts_.push_back({i, {}, false, Request(roots[i].first, *configs[i])});
      continue;
    }
    groups[roots[i]].push_back(i);
  }
  for (auto& [key, members] : groups) {
    const std::size_t tool = Request(key.first, *configs[members.front()]);
    parts_.push_back({0, key.first, key.second, tool, std::move(members)});
  }
}

std::size_t JobPlanner::Largest() const {
  std::size_t largest = 0;
  for (std::size_t p = 1; p < parts_.size(); ++p) {
    if (parts_[p].members.size() > parts_[largest].members.size()) largest = p;
  }
  return largest;
}

bool JobPlanner::HasHistory() const {
  return std::any_of(parts_.begin(), parts_.end(),
                     [](const Part& part) { return !part.members.empty(); });
}

std::size_t JobPlanner::Request(const std::string& root, const Config& config) {
  const auto key = std::make_pair(root, config.path);
  const auto found = tool_slots_.find(key);
  if (found != tool_slots_.end()) return found->second;
  auto tool = std::make_unique<Tool>();
  tool->root = root;
  tool->config = &config;
  tools_.push_back(std::move(tool));
  return tool_slots_.emplace(key, tools_.size() - 1).first->second;
}

const std::shared_ptr<const project::ToolChoice>& JobPlanner::ToolOf(std::size_t slot) {
  Tool& tool = *tools_[slot];
  std::call_once(tool.once, [&] {
    tool.choice = std::make_shared<const project::ToolChoice>(project::ChooseTool(
        tool.root, Disk(), tool.config->history.tool, tool.config->history.order));
  });
  return tool.choice;
}

std::vector<Job> JobPlanner::Plan(std::size_t p) {
  const Part& part = parts_[p];
  if (part.root.empty() && part.members.empty()) {
    // A file checked on its own.
    Job job{{},
            part.tool == kNoTool ? nullptr : ToolOf(part.tool),
            {{canonical_[part.input], part.input}}};
    std::vector<Job> jobs;
    jobs.push_back(std::move(job));
    return jobs;
  }
  return PlanHistory(part.root, part.recursive, part.members, inputs_, canonical_,
                     *configs_[part.members.front()], ToolOf(part.tool));
}

void JobPlanner::Notes(std::vector<std::string>& notes) {
  for (std::size_t slot = 0; slot < tools_.size(); ++slot) {
    notes.push_back(tools_[slot]->root + ": " + ToolOf(slot)->Describe());
  }
}

}  // namespace pgshift::workspace
