#include "cli/history_lint.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/path_glob.h"
#include "cli/release_paths.h"
#include "parser/large_stack.h"
#include "rules/engine.h"
#include "rules/history/migration_order.h"
#include "rules/history/replay.h"

namespace pgshift::cli {
namespace {

namespace fs = std::filesystem;

struct Step {
  std::string path;                  // canonical
  std::optional<std::size_t> input;  // checked when set; otherwise only replayed
  bool replay = true;                // false for down migrations: checked, never replayed
};

struct Job {
  std::string root;  // empty for a file checked on its own
  std::vector<Step> steps;
};

bool IsUnder(const std::string& path, const std::string& root) {
  return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

std::vector<std::string> ListSql(const std::string& root, bool recursive) {
  std::vector<std::string> files;
  std::error_code error;
  auto add = [&](const fs::directory_entry& entry) {
    std::error_code ignored;
    if (entry.is_regular_file(ignored) && entry.path().extension() == ".sql") {
      files.push_back(root + "/" + entry.path().lexically_relative(root).generic_string());
    }
  };
  if (recursive) {
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      std::error_code ignored;
      if (it->is_directory(ignored) && it->path().filename().string().starts_with(".")) {
        it.disable_recursion_pending();
      }
      add(*it);
    }
    return files;
  }
  // A flat directory, plus the folders of folder-per-migration layouts.
  for (fs::directory_iterator it(root, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    std::error_code ignored;
    if (it->is_directory(ignored) && rules::IsMigrationFolder(it->path().filename().string())) {
      std::error_code inner;
      for (fs::directory_iterator file(it->path(), inner);
           !inner && file != fs::directory_iterator(); file.increment(inner)) {
        add(*file);
      }
    } else {
      add(*it);
    }
  }
  return files;
}

// The history root of an input, and whether it is searched recursively.
std::pair<std::string, bool> RootOf(const std::string& path, const Config& config) {
  const std::string base = ConfigBase(config, CanonicalPath(fs::current_path()));
  for (const std::string& root : config.history.roots) {
    const std::string absolute = CanonicalPath(fs::path(base) / root);
    if (IsUnder(path, absolute)) return {absolute, true};
  }
  return {rules::HistoryRoot(path), false};
}

std::vector<Job> PlanJobs(const std::vector<LintInput>& inputs,
                          const std::vector<const Config*>& configs, const LintScope& scope,
                          bool replay) {
  std::vector<Job> jobs;
  std::map<std::pair<std::string, bool>, std::vector<std::size_t>> groups;
  std::vector<std::string> canonical(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!scope.selected[i]) continue;
    canonical[i] = CanonicalPath(inputs[i].path);
    // Standard input without a file name has no place in any history.
    const bool nameless = inputs[i].from_stdin && inputs[i].path == "<stdin>";
    if (!replay || !configs[i]->history.replay || nameless) {
      jobs.push_back({{}, {{canonical[i], i}}});
      continue;
    }
    groups[RootOf(canonical[i], *configs[i])].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    const auto& [root, recursive] = key;
    const Config& config = *configs[members.front()];
    const ReleasePaths paths(ConfigBase(config, root), {}, {});
    const GlobSet excluded(config.history.exclude);
    std::vector<std::string> files;
    for (std::string& file : ListSql(root, recursive)) {
      const std::string relative = paths.Relative(file);
      if (relative.empty() || !excluded.Matches(relative)) files.push_back(std::move(file));
    }
    const rules::MigrationOrder order = rules::OrderMigrations(files, config.history.order);
    std::map<std::string, std::size_t> position;
    for (std::size_t p = 0; p < order.files.size(); ++p) position[order.files[p]] = p;
    std::map<std::string, std::size_t> rolls_back;  // down migration -> files applied before it
    for (const rules::SkippedMigration& skipped : order.skipped) {
      if (rules::IsDownMigration(skipped.path)) rolls_back[skipped.path] = skipped.after;
    }
    std::size_t last = 0;
    std::map<std::size_t, std::size_t> input_at;         // position -> input
    std::multimap<std::size_t, std::size_t> down_after;  // files before it -> input
    for (std::size_t i : members) {
      const auto found = position.find(canonical[i]);
      const auto down = rolls_back.find(canonical[i]);
      if (found != position.end() && input_at.count(found->second) == 0) {
        input_at[found->second] = i;
        last = std::max(last, found->second + 1);
      } else if (down != rolls_back.end()) {
        down_after.emplace(down->second, i);
        last = std::max(last, down->second);
      } else {
        jobs.push_back({{}, {{canonical[i], i}}});  // not part of the history (or given twice)
      }
    }
    Job job{root, {}};
    for (std::size_t p = 0; p <= last; ++p) {
      for (auto [it, end] = down_after.equal_range(p); it != end; ++it) {
        job.steps.push_back({canonical[it->second], it->second, /*replay=*/false});
      }
      if (p == last) break;
      const auto found = input_at.find(p);
      job.steps.push_back({order.files[p], found == input_at.end()
                                               ? std::nullopt
                                               : std::optional<std::size_t>(found->second)});
    }
    if (!input_at.empty() || !down_after.empty()) jobs.push_back(std::move(job));
  }
  return jobs;
}

// `text` with every byte outside [begin, end) blanked, lines kept: positions stay where they are.
std::string Only(std::string_view text, std::size_t begin, std::size_t end) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if ((i < begin || i >= end) && out[i] != '\n') out[i] = ' ';
  }
  return out;
}

// What a rollback runs against: the schema so far, deployed (else there is nothing to roll back).
rules::Catalog Deployed(const rules::Catalog* history) {
  rules::Catalog deployed = history != nullptr ? *history : rules::Catalog();
  deployed.MarkAllReleased();
  return deployed;
}

// Lints a migration whose way down starts at `down` (text.size() when it has none). The down
// section is judged against the schema the up section leaves, deployed, and not as part of the
// release: it is not what the release runs. `after_up`, when given, receives the catalog the up
// section leaves (its objects new), unless the file is unreadable.
rules::FileReport LintMigration(const parser::SourceText& source, std::size_t down,
                                const rules::LintSettings& settings, const rules::Catalog* history,
                                rules::Catalog* after_up = nullptr) {
  const std::string_view text = source.text();
  if (down >= text.size()) return rules::LintSource(source, settings, history, after_up);
  rules::Catalog up;
  rules::FileReport report = rules::LintSource(
      parser::SourceText(source.path(), Only(text, 0, down)), settings, history, &up);
  if (report.unreadable) return report;
  rules::Catalog deployed = up;
  deployed.MarkAllReleased();
  if (after_up != nullptr) *after_up = std::move(up);
  rules::LintSettings down_settings = settings;
  down_settings.release = nullptr;
  rules::FileReport way_down = rules::LintSource(
      parser::SourceText(source.path(), Only(text, down, text.size())), down_settings, &deployed);
  report.findings.insert(report.findings.end(), way_down.findings.begin(), way_down.findings.end());
  report.notes.insert(report.notes.end(), way_down.notes.begin(), way_down.notes.end());
  report.statements += way_down.statements;
  return report;
}

void RunJob(const Job& job, const std::vector<LintInput>& inputs,
            const std::vector<rules::LintSettings>& settings, const LintScope& scope,
            std::vector<std::optional<LintedFile>>& slots) {
  rules::Catalog catalog;
  std::size_t replayed = 0, unreadable = 0;
  bool replayed_unreleased = false;
  // Earlier migrations are read within the limit of the job's inputs.
  std::size_t max_bytes = parser::ParseLimits{}.FileBytes();
  for (const Step& step : job.steps) {
    if (step.input) max_bytes = parser::ParseLimits{settings[*step.input].max_memory}.FileBytes();
  }
  for (const Step& step : job.steps) {
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
    // dbmate and goose keep the way down in the same file: it is checked against the schema
    // the up section leaves, like a down file, and never replayed.
    const std::size_t down = rules::DownSectionStart(text);
    const bool has_down = down < text.size();
    const bool unreleased = scope.unreleased.count(step.path) > 0;
    std::string_view replayed_text = text;  // the text itself moves into the linted file
    if (step.input) {
      const std::string path = inputs[*step.input].path.string();
      parser::SourceText source(path, std::move(text));
      // A down file rolls back what is deployed.
      const rules::Catalog deployed = step.replay ? rules::Catalog() : Deployed(&catalog);
      const rules::Catalog* history =
          job.root.empty() ? nullptr : (step.replay ? &catalog : &deployed);
      // Checking a migration applies it to a copy of the history: that copy becomes the history
      // for the next file, which saves parsing it again. Not when a released file follows an
      // unreleased one, whose objects must stay new while this file's are released.
      const bool advance = !job.root.empty() && step.replay && (unreleased || !replayed_unreleased);
      rules::Catalog after;
      rules::FileReport report = LintMigration(source, down, settings[*step.input], history,
                                               advance ? &after : nullptr);
      if (!job.root.empty()) {
        report.notes.push_back(
            path + ": judged against " + std::to_string(replayed) + " earlier migration(s) in " +
            job.root +
            (unreadable > 0 ? " (" + std::to_string(unreadable) + " unreadable, skipped)" : ""));
      }
      if (has_down) {
        report.notes.push_back(path + ":" + std::to_string(source.PositionOf(down).line) +
                               ": down section: checked, not replayed into the history");
      }
      const bool readable = !report.unreadable;
      replayed_text = slots[*step.input].emplace(LintedFile{std::move(source), std::move(report)})
                          .source.text();
      if (advance) {
        if (!readable) {
          ++unreadable;
          continue;
        }
        catalog = std::move(after);
        if (!unreleased) catalog.MarkAllReleased();
        replayed_unreleased = replayed_unreleased || unreleased;
        ++replayed;
        continue;
      }
    }
    if (!job.root.empty() && step.replay) {
      const std::string_view up = replayed_text.substr(0, down);
      if (rules::ReplayMigration(up, unreleased, catalog)) {
        replayed_unreleased = replayed_unreleased || unreleased;
        ++replayed;
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
                                        const LintScope& scope, bool replay, unsigned jobs) {
  const std::vector<Job> planned = PlanJobs(inputs, configs, scope, replay);
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

}  // namespace pgshift::cli
