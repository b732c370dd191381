#include "workspace/history_lint.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "workspace/migration_upgrades.h"
#include "workspace/path_glob.h"
#include "workspace/release_paths.h"
#include "workspace/section_lint.h"
#include "parser/large_stack.h"
#include "project/generic_tool.h"
#include "project/recognition.h"
#include "rules/engine.h"
#include "rules/history/replay.h"
#include "rules/snapshot/schema.h"

namespace pgshift::workspace {
namespace {

namespace fs = std::filesystem;

const project::DiskFileSource& Disk() {
  static const project::DiskFileSource disk;
  return disk;
}

struct Step {
  std::string path;                  // canonical
  std::optional<std::size_t> input;  // checked when set; otherwise only replayed
  bool replay = true;                // false for down migrations: checked, never replayed
  bool unit_continues = false;       // the next migration is a file of the same unit
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

// Recognises the tool of each history once, and says so for --verbose.
class ToolChoices {
 public:
  explicit ToolChoices(std::vector<std::string>* notes) : notes_(notes) {}
  std::shared_ptr<const project::ToolChoice> For(const std::string& root, const Config& config) {
    const auto key = std::make_pair(root, config.path);
    auto found = choices_.find(key);
    if (found != choices_.end()) return found->second;
    auto choice = std::make_shared<const project::ToolChoice>(
        project::ChooseTool(root, Disk(), config.history.tool, config.history.order));
    if (notes_ != nullptr) notes_->push_back(root + ": " + choice->Describe());
    return choices_.emplace(key, std::move(choice)).first->second;
  }

 private:
  std::vector<std::string>* notes_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const project::ToolChoice>>
      choices_;
};

std::vector<Job> PlanJobs(const std::vector<LintInput>& inputs,
                          const std::vector<const Config*>& configs, const LintScope& scope,
                          bool replay, std::vector<std::string>* notes) {
  std::vector<Job> jobs;
  ToolChoices tools(notes);
  std::map<std::pair<std::string, bool>, std::vector<std::size_t>> groups;
  std::vector<std::string> canonical(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!scope.selected[i]) continue;
    canonical[i] = CanonicalPath(inputs[i].path);
    // Standard input without a file name has no place in any history.
    if (inputs[i].from_stdin && inputs[i].path == "<stdin>") {
      jobs.push_back({{}, nullptr, {{canonical[i], i}}});
      continue;
    }
    const auto root = RootOf(canonical[i], *configs[i]);
    if (!replay || !configs[i]->history.replay) {
      jobs.push_back({{}, tools.For(root.first, *configs[i]), {{canonical[i], i}}});
      continue;
    }
    groups[root].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    const auto& [root, recursive] = key;
    const Config& config = *configs[members.front()];
    const auto tool = tools.For(root, config);
    const ReleasePaths paths(ConfigBase(config, root), {}, {});
    const GlobSet excluded(config.history.exclude);
    std::vector<std::string> files;
    for (std::string& file : recursive ? ListRecursive(root) : tool->tool->List(root, Disk())) {
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
          step.note = canonical[i] + ": not part of the history in " + root + " (" +
                      why->second + "): checked on its own";
        }
        jobs.push_back({{}, tool, {std::move(step)}});
      }
    }
    Job job{root, tool, {}};
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
      Step step{plan.files[p], found == input_at.end() ? std::nullopt
                                                       : std::optional<std::size_t>(found->second)};
      step.unit_continues = p + 1 < plan.files.size() && p + 1 < plan.units.size() &&
                            plan.units[p + 1] == plan.units[p];
      step_of[p] = job.steps.size();
      job.steps.push_back(std::move(step));
    }
    if (!input_at.empty() || !down_after.empty()) jobs.push_back(std::move(job));
  }
  return jobs;
}

// What a rollback runs against: the schema so far, deployed (else there is nothing to roll back).
rules::Catalog Deployed(const rules::Catalog* history) {
  rules::Catalog deployed = history != nullptr ? *history : rules::Catalog();
  deployed.MarkAllReleased();
  return deployed;
}

// The identifiers of the statement around `span` (from the `;` before it), unquoted.
std::vector<std::string> StatementWords(std::string_view text, const parser::Span& span) {
  std::size_t begin = std::min<std::size_t>(span.begin, text.size());
  const std::size_t end = std::min<std::size_t>(std::max(span.end, span.begin), text.size());
  const std::size_t semicolon = text.substr(0, begin).rfind(';');
  begin = semicolon == std::string_view::npos ? 0 : semicolon + 1;
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = begin; i <= end; ++i) {
    const char c = i < end ? text[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      word += c;
    } else {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    }
  }
  return words;
}

// The migrations replayed so far in the upgrade of the file being checked, each with the catalog
// it left (kept for --verbose only): which of them created a table.
struct UpgradeSoFar {
  std::vector<std::pair<std::string, std::shared_ptr<const rules::Catalog>>> steps;
};

// For --verbose: the findings the file would get if every earlier migration had been deployed
// before it, and that it does not get, are explained by the upgrade they share.
void ExplainQuieted(const parser::SourceText& source, const project::FileRun& run,
                    const rules::LintSettings& settings, const rules::Catalog& history,
                    const std::string& upgrade, const UpgradeSoFar& so_far, const Job& job,
                    rules::FileReport& report) {
  rules::Catalog deployed = history;
  deployed.MarkAllReleased();
  const rules::FileReport without = LintRun(source, run, settings, &deployed, nullptr);
  const std::string root = job.root + "/";
  const auto shown = [&](const std::string& path) {
    return path.starts_with(root) ? path.substr(root.size()) : path;
  };
  for (const rules::Finding& finding : without.findings) {
    if (finding.severity == rules::Severity::kInfo) continue;
    const bool kept = std::any_of(report.findings.begin(), report.findings.end(),
                                  [&](const rules::Finding& f) {
                                    return f.rule == finding.rule && f.span.begin == finding.span.begin;
                                  });
    if (kept) continue;
    std::string why;
    for (const std::string& word : StatementWords(source.text(), finding.span)) {
      const rules::CatalogTable* table = history.FindTable({"", word});
      if (table == nullptr || !table->is_new) continue;
      for (const auto& [path, after] : so_far.steps) {
        const rules::CatalogTable* created = after->FindTable({"", word});
        if (created != nullptr && created->is_new) {
          why = "table " + table->name.ToString() + " is created by " + shown(path) +
                " in the same upgrade (" + DescribeUpgrade(upgrade) + ")";
          break;
        }
      }
      if (!why.empty()) break;
    }
    if (why.empty()) {
      why = "what it works on was created by an earlier migration of the same upgrade (" +
            DescribeUpgrade(upgrade) + ")";
    }
    report.notes.push_back(finding.file + ":" + std::to_string(finding.start.line) + ":" +
                           std::to_string(finding.start.column) + ": " + finding.rule +
                           ": quiet: " + why);
  }
}

project::FileRun Describe(const Job& job, const Step& step, std::string_view text) {
  if (job.tool == nullptr) return project::GenericTool().Describe(step.path, text, Disk());
  return job.tool->tool->Describe(step.path, text, Disk());
}

void RunJob(const Job& job, const std::vector<LintInput>& inputs,
            const std::vector<rules::LintSettings>& settings, const LintScope& scope,
            std::vector<std::optional<LintedFile>>& slots) {
  // A schema snapshot is the database the earlier migrations built: it is the history, and only
  // the files being checked (and the release's own) are replayed onto it.
  const rules::SchemaSnapshot* snapshot = nullptr;
  for (const Step& step : job.steps) {
    if (step.input && settings[*step.input].schema) snapshot = settings[*step.input].schema.get();
  }
  rules::Catalog catalog = snapshot != nullptr ? snapshot->catalog : rules::Catalog();
  std::size_t replayed = 0, unreadable = 0;
  bool replayed_unreleased = false;
  bool unit_open = false;  // the catalog holds the new objects of a unit not finished yet
  // Per step whose rollback is checked: the catalog it leaves, what it added new.
  std::map<std::size_t, std::shared_ptr<const rules::Catalog>> added_by;
  const project::MigrationTool* tool =
      job.tool != nullptr && job.tool->recognised ? job.tool->tool.get() : nullptr;
  // Earlier migrations are read within the limit of the job's inputs.
  std::size_t max_bytes = parser::ParseLimits{}.FileBytes();
  for (const Step& step : job.steps) {
    if (step.input) max_bytes = parser::ParseLimits{settings[*step.input].max_memory}.FileBytes();
  }
  // With upgrades: the one whose migrations' new objects the catalog holds as new. They are
  // released when a migration of another upgrade (or of none known) comes.
  const MigrationUpgrades* upgrades = snapshot == nullptr ? job.upgrades.get() : nullptr;
  std::optional<std::string> upgrade;
  UpgradeSoFar so_far;
  // After a migration has been applied to the catalog: what it created stays new while its unit
  // goes on, and is released after (unless the release's new objects are in the catalog too, or
  // until another upgrade comes).
  const auto applied = [&](const Step& step, bool unreleased) {
    replayed_unreleased = replayed_unreleased || unreleased;
    ++replayed;
    if (step.unit_continues) {
      unit_open = true;
    } else if (unit_open || !unreleased) {
      if (!replayed_unreleased && upgrades == nullptr) catalog.MarkAllReleased();
      unit_open = false;
    }
    if (upgrades != nullptr && scope.verbose) {
      so_far.steps.emplace_back(step.path, std::make_shared<const rules::Catalog>(catalog));
    }
  };
  for (std::size_t s = 0; s < job.steps.size(); ++s) {
    const Step& step = job.steps[s];
    if (snapshot != nullptr && !step.input && scope.unreleased.count(step.path) == 0) continue;
    std::string text;
    std::string error;
    if (!step.input) {
      if (!ReadAtCommit(scope.release_texts.get(), step.path, text) &&
          !ReadPath(step.path, text, error, max_bytes)) {
        ++unreadable;
        continue;
      }
    } else {
      const LintInput& input = inputs[*step.input];
      const std::size_t limit = parser::ParseLimits{settings[*step.input].max_memory}.FileBytes();
      if (!ReadAtCommit(scope.release_texts.get(), step.path, text) &&
          !ReadInput(input, text, error, limit)) {
        rules::FileReport report;
        report.path = input.path.string();
        report.unreadable = error;
        slots[*step.input].emplace(
            LintedFile{parser::SourceText(report.path, ""), std::move(report)});
        continue;
      }
    }
    const project::FileRun run = Describe(job, step, text);
    const bool unreleased = scope.unreleased.count(step.path) > 0;
    const bool keep_new = unreleased || step.unit_continues || upgrades != nullptr;
    // A migration of another upgrade than the one before it: that one is deployed by now.
    const std::string* step_upgrade = upgrades != nullptr ? upgrades->Find(step.path) : nullptr;
    const bool same_upgrade = step_upgrade != nullptr && upgrade && *upgrade == *step_upgrade;
    if (upgrades != nullptr && step.replay) {
      if (!same_upgrade && !unit_open) {
        catalog.MarkAllReleased();
        so_far.steps.clear();
      }
      upgrade = step_upgrade != nullptr ? std::optional<std::string>(*step_upgrade) : std::nullopt;
    }
    std::string up_text;  // what migrates up, for the replay
    if (step.input) {
      const std::string path = inputs[*step.input].path.string();
      parser::SourceText source(path, std::move(text));
      rules::LintSettings file_settings = SettingsForTool(settings[*step.input], tool, step.path);
      // A rollback does not ship as a step of the release; it rolls back what is deployed.
      const bool rollback = !step.replay || OnlyRollsBack(run);
      if (rollback) file_settings.release = nullptr;
      if (step.rolls_back) {
        const auto added = added_by.find(*step.rolls_back);
        if (added != added_by.end()) file_settings.rollback_of = added->second;
      }
      const rules::Catalog deployed = step.replay ? rules::Catalog() : Deployed(&catalog);
      const rules::Catalog* history =
          job.root.empty() ? nullptr : (step.replay ? &catalog : &deployed);
      // Checking a migration applies it to a copy of the history: that copy becomes the history
      // for the next file, which saves parsing it again. Not when a released file follows an
      // unreleased one, whose objects must stay new while this file's are released.
      const bool advance =
          !job.root.empty() && step.replay && (keep_new || !replayed_unreleased);
      rules::Catalog after;
      rules::FileReport report =
          LintRun(source, run, file_settings, history, advance ? &after : nullptr);
      if (scope.verbose && same_upgrade && step.replay && !so_far.steps.empty() &&
          history != nullptr) {
        ExplainQuieted(source, run, file_settings, *history, *step_upgrade, so_far, job, report);
      }
      if (!step.note.empty()) report.notes.push_back(step.note);
      if (!job.root.empty()) {
        report.notes.push_back(
            path + ": judged against " + std::to_string(replayed) + " earlier migration(s) in " +
            job.root +
            (unreadable > 0 ? " (" + std::to_string(unreadable) + " unreadable, skipped)" : ""));
      }
      for (const project::Section& section : run.sections) {
        if (section.direction == project::Direction::kDown && section.begin > 0) {
          report.notes.push_back(path + ":" +
                                 std::to_string(source.PositionOf(section.begin).line) +
                                 ": down section: checked, not replayed into the history");
          break;
        }
      }
      if (tool != nullptr) NoteOptOuts(source, run, tool->Name(), report);
      const bool readable = !report.unreadable;
      const std::string_view linted =
          slots[*step.input].emplace(LintedFile{std::move(source), std::move(report)}).source.text();
      if (advance) {
        if (!readable) {
          ++unreadable;
          continue;
        }
        if (step.keep_added && upgrades != nullptr) {
          // Its rollback undoes this migration only: the rest of the upgrade stays deployed.
          auto added = std::make_shared<rules::Catalog>(catalog);
          added->MarkAllReleased();
          if (rules::ReplayMigration(SectionsOnly(linted, run, project::Direction::kUp),
                                     /*unreleased=*/true, *added)) {
            added_by[s] = added;
          }
        }
        catalog = std::move(after);
        if (step.keep_added && upgrades == nullptr) {
          added_by[s] = std::make_shared<const rules::Catalog>(catalog);
        }
        applied(step, unreleased);
        continue;
      }
      up_text = SectionsOnly(linted, run, project::Direction::kUp);
    } else {
      up_text = SectionsOnly(text, run, project::Direction::kUp);
    }
    if (!job.root.empty() && step.replay) {
      if (step.keep_added) {
        auto added = std::make_shared<rules::Catalog>(catalog);
        if (upgrades != nullptr) added->MarkAllReleased();
        if (rules::ReplayMigration(up_text, /*unreleased=*/true, *added)) added_by[s] = added;
      }
      if (rules::ReplayMigration(up_text, keep_new, catalog)) {
        applied(step, unreleased);
      } else {
        ++unreadable;
      }
    }
  }
}

}  // namespace

std::vector<LintedFile> LintWithHistory(const std::vector<LintInput>& inputs,
                                        const std::vector<rules::LintSettings>& settings,
                                        const std::vector<const Config*>& configs,
                                        const LintScope& scope, bool replay, unsigned jobs,
                                        std::vector<std::string>* notes) {
  std::vector<Job> planned = PlanJobs(inputs, configs, scope, replay, notes);
  if (scope.infer_upgrades) {
    for (Job& job : planned) {
      if (job.root.empty()) continue;
      // The job's configuration is that of its checked files; a snapshot replaces the history.
      const Config* config = nullptr;
      bool snapshot = false;
      std::vector<std::string> files;
      for (const Step& step : job.steps) {
        files.push_back(step.path);
        if (!step.input) continue;
        config = configs[*step.input];
        snapshot = snapshot || settings[*step.input].schema != nullptr;
      }
      if (config == nullptr || snapshot || !config->history.upgrades) continue;
      std::string note;
      job.upgrades = InferUpgrades(job.root, files, config->history.upgrade_tags, note);
      if (notes != nullptr) notes->push_back(note);
    }
  }
  std::vector<std::optional<LintedFile>> slots(inputs.size());
  std::atomic<std::size_t> next{0};
  // Each worker runs on one large stack for all its files: parsing and linting need one, and a
  // thread started for every file cost more than linting a small migration does.
  auto worker = [&] {
    parser::RunWithLargeStack([&] {
      for (std::size_t j = next++; j < planned.size(); j = next++) {
        RunJob(planned[j], inputs, settings, scope, slots);
      }
    });
  };
  // Standard input can be read by one thread only, and only once.
  const bool has_stdin =
      std::any_of(inputs.begin(), inputs.end(), [](const LintInput& in) { return in.from_stdin; });
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs =
      static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(planned.size(), 1)));
  if (has_stdin) jobs = 1;
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& thread : threads) thread.join();

  std::vector<LintedFile> results;
  for (auto& slot : slots) {
    if (slot) results.push_back(std::move(*slot));
  }
  return results;
}

}  // namespace pgshift::workspace
