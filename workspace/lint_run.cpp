#include "workspace/lint_run.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string_view>
#include <thread>

#include "rules/closest_name.h"
#include "workspace/history_lint.h"

namespace pgshift::workspace {
namespace {

// The configuration's settings with the request's overrides.
rules::LintSettings SettingsFor(const Config& config, const LintRequest& request) {
  rules::LintSettings lint = config.lint;
  if (request.pg_version != 0) lint.pg_version = request.pg_version;
  if (request.transactions == "none") lint.transactions = rules::TransactionWrapping::kNone;
  if (request.transactions == "per-file") lint.transactions = rules::TransactionWrapping::kPerFile;
  if (request.transactions == "per-statement") {
    lint.transactions = rules::TransactionWrapping::kPerStatement;
  }
  if (!request.transactions.empty()) lint.transactions_set = true;
  if (request.max_memory) lint.max_memory = *request.max_memory;
  lint.schema = request.schema;
  for (const std::string& rule : request.exclude_rules) lint.disabled.insert(rule);
  if (!request.only_rules.empty()) {
    for (const std::string& rule : rules::RuleIds()) {
      const bool chosen = std::find(request.only_rules.begin(), request.only_rules.end(), rule) !=
                          request.only_rules.end();
      if (chosen) {
        lint.enabled.insert(rule);  // opt-in rules too: naming one asks for it
        lint.disabled.erase(rule);
      } else {
        lint.disabled.insert(rule);
      }
    }
    // An excluded rule stays out even when named.
    for (const std::string& rule : request.exclude_rules) lint.disabled.insert(rule);
  }
  return lint;
}

}  // namespace

std::variant<PreparedLint, LintRunError> PreparedLint::Prepare(const LintRequest& request) {
  PreparedLint run;
  run.request_ = request;
  InputsResult collected = CollectInputs(request.paths, request.stdin_filename);
  // Buffers stand for the files they are given with (a path that is a file, not a directory).
  for (std::size_t p = 0; p < request.texts.size() && p < request.paths.size(); ++p) {
    if (request.texts[p] == nullptr) continue;
    const std::filesystem::path path(request.paths[p]);
    bool found = false;
    for (LintInput& input : collected.inputs) {
      if (std::filesystem::path(input.path) == path) {
        input.text = request.texts[p];
        found = true;
      }
    }
    if (!found) {
      // A buffer not saved yet: no file on disk, which is no error.
      std::erase(collected.errors, request.paths[p] + ": no such file or directory");
      collected.inputs.push_back({path.string(), false, request.texts[p]});
    }
  }
  // A release is judged on what its head commit holds, whatever the working tree has checked out.
  if (!request.release.empty()) AddMigrationsOnlyAtHead(request.release, request.paths, collected);
  run.input_errors_ = collected.errors;
  if (!collected.without_sql.empty()) {
    LintRunError error{collected.errors};
    for (const std::string& path : collected.without_sql) {
      error.messages.push_back(path + ": holds no .sql file");
    }
    return error;
  }
  run.inputs_ = std::move(collected.inputs);

  // Configuration per file, found from the file's directory upward (or the one given).
  run.resolver_ = std::make_unique<ConfigResolver>(
      request.config.empty() ? std::nullopt : std::optional<std::filesystem::path>(request.config));
  std::vector<const ConfigError*> config_errors;  // every bad configuration, each once
  run.configs_.reserve(run.inputs_.size());
  run.settings_.reserve(run.inputs_.size());
  // Inputs come folder by folder: a file in the folder of the one before has its configuration
  // (and settings), without a path object split and looked up again for each of thousands.
  std::string_view folder_before;
  const ConfigResult* config_before = nullptr;
  for (const LintInput& input : run.inputs_) {
    const std::string& path = input.path;
    const std::size_t slash = path.rfind('/');
    const std::string_view folder = slash == std::string::npos
                                        ? std::string_view()
                                        : std::string_view(path).substr(0, slash + 1);
    const bool same_folder =
        config_before != nullptr && !input.from_stdin && !folder.empty() && folder == folder_before;
    const ConfigResult* config = config_before;
    if (!same_folder) {
      const std::filesystem::path directory = input.from_stdin
                                                  ? std::filesystem::current_path()
                                                  : std::filesystem::path(input.path).parent_path();
      config = &run.resolver_->For(directory.empty() ? "." : directory);
    }
    folder_before = input.from_stdin ? std::string_view() : folder;
    config_before = config;
    if (const auto* error = std::get_if<ConfigError>(config)) {
      if (std::find(config_errors.begin(), config_errors.end(), error) == config_errors.end()) {
        config_errors.push_back(error);
      }
      continue;
    }
    const Config* found = &std::get<Config>(*config);
    // Settings follow from the configuration: shared with the file before, when it has the same.
    if (!run.configs_.empty() && run.configs_.back() == found) {
      run.settings_.AddSameAsLast();
    } else {
      run.settings_.Add(SettingsFor(*found, request));
    }
    run.configs_.push_back(found);
  }
  if (!config_errors.empty()) {
    LintRunError error{{}, /*configuration=*/true};
    for (const ConfigError* config_error : config_errors) {
      std::istringstream lines(config_error->message);
      for (std::string line; std::getline(lines, line);) error.messages.push_back(line);
    }
    return error;
  }

  auto scoped = ScopeLint(
      {request.release, request.changed_files, request.changed_since, request.paths,
       request.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : request.jobs},
      run.inputs_, run.configs_, run.settings_);
  if (const auto* error = std::get_if<ScopeError>(&scoped)) return LintRunError{{error->message}};
  run.scope_ = std::get<LintScope>(std::move(scoped));
  run.scope_.verbose = request.verbose;

  // The baseline asked for, else the `baseline` of the pgshift.toml the files are under.
  run.baseline_path_ = request.baseline;
  if (run.baseline_path_.empty() && request.config_baseline) {
    for (const Config* config : run.configs_) {
      if (config->baseline.empty() || config->baseline == run.baseline_path_) continue;
      if (!run.baseline_path_.empty()) {
        return LintRunError{{"the files are under configurations naming different baselines (" +
                             run.baseline_path_ + ", " + config->baseline +
                             "); lint them separately or pass --baseline"}};
      }
      run.baseline_path_ = config->baseline;
    }
  }
  if (!run.baseline_path_.empty()) {
    auto baseline = ReadBaseline(run.baseline_path_);
    if (const auto* error = std::get_if<std::string>(&baseline)) return LintRunError{{*error}};
    run.accepted_ = std::get<std::vector<BaselineEntry>>(std::move(baseline));
  }
  return run;
}

namespace {

// Hides the findings a baseline accepts before the files go on to `sink`.
class BaselineSink final : public FileSink {
 public:
  BaselineSink(BaselineFilter& filter, FileSink& sink) : filter_(filter), sink_(sink) {}

  std::unique_ptr<Kept> Keep(LintedFile&& file) override {
    {
      const std::lock_guard<std::mutex> lock(mutex_);  // Keep runs on every thread
      filter_.Apply(file);
    }
    return sink_.Keep(std::move(file));
  }
  void Take(std::unique_ptr<Kept> kept) override { sink_.Take(std::move(kept)); }

 private:
  std::mutex mutex_;
  BaselineFilter& filter_;
  FileSink& sink_;
};

}  // namespace

std::vector<LintedFile> PreparedLint::Lint() {
  std::vector<LintedFile> linted;
  WholeFileSink sink([&](LintedFile&& file) { linted.push_back(std::move(file)); });
  LintEach(sink);
  return linted;
}

void PreparedLint::LintEach(FileSink& sink, const std::function<void()>& planned) {
  // Accepted findings are neither reported nor fixed.
  std::optional<BaselineFilter> baseline;
  if (accepted_) baseline.emplace(*accepted_, baseline_path_);
  std::optional<BaselineSink> filtered;
  if (baseline) filtered.emplace(*baseline, sink);
  LintWithHistory(inputs_, settings_, configs_, scope_, request_.history, request_.jobs,
                  first_run_ ? &scope_.notes : nullptr, planned,
                  filtered ? static_cast<FileSink&>(*filtered) : sink);
  first_run_ = false;
  hidden_ = baseline ? baseline->removed() : 0;
  stale_ = baseline ? baseline->Stale() : std::vector<BaselineEntry>();
}

void PreparedLint::NoteBaseline() {
  if (!accepted_) return;
  scope_.notes.push_back("baseline " + baseline_path_ + ": " + std::to_string(hidden_) +
                         " accepted finding(s) not shown");
  // A rule left out of the run finds nothing; its entries are not stale for that.
  std::erase_if(stale_, [&](const BaselineEntry& entry) {
    const auto named = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), entry.rule) != list.end();
    };
    return named(request_.exclude_rules) ||
           (!request_.only_rules.empty() && !named(request_.only_rules));
  });
  if (stale_.empty()) return;
  scope_.warnings.push_back("baseline " + baseline_path_ + ": " + std::to_string(stale_.size()) +
                            " accepted finding(s) no longer occur; write it again with "
                            "`pgshift baseline` to drop them:");
  for (const BaselineEntry& entry : stale_) {
    scope_.warnings.push_back("  " + entry.file + ":" + std::to_string(entry.line) + ": [" +
                              entry.rule + "] " + entry.message);
  }
}

DocumentLint LintDocument(const std::string& path, std::string text) {
  LintRequest request;
  request.paths = {path};
  request.texts = {std::make_shared<const std::string>(std::move(text))};
  request.jobs = 1;
  DocumentLint result;
  auto prepared = PreparedLint::Prepare(request);
  if (auto* error = std::get_if<LintRunError>(&prepared)) {
    result.error = std::move(*error);
    return result;
  }
  PreparedLint& run = std::get<PreparedLint>(prepared);
  std::vector<LintedFile> files = run.Lint();
  result.warnings = run.warnings();
  if (!files.empty()) result.file = std::move(files.front());
  return result;
}

}  // namespace pgshift::workspace
