#include "workspace/lint_scope.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "rules/history/migration_order.h"
#include "rules/rule.h"
#include "workspace/git.h"
#include "workspace/parallel_for.h"
#include "workspace/path_glob.h"
#include "workspace/release_evidence.h"
#include "workspace/release_paths.h"

namespace pgshift::workspace {
namespace {

namespace fs = std::filesystem;

std::string ReleaseRuleIds() {
  std::string ids;
  for (const rules::RuleDefinition& rule : rules::AllRules()) {
    if (!rule.doc->needs_release) continue;
    ids += (ids.empty() ? "" : ", ") + std::string(rule.doc->id);
  }
  return ids;
}

// The files a release changes, and where its application code is read from.
struct ReleaseSource {
  std::string label;                                  // "v1.4..HEAD", "changed files in list.txt"
  // Status ('A' added, 'M' modified, 'D' deleted, as git prints it), canonical path.
  std::vector<std::pair<char, std::string>> changes;
  std::optional<Git> git;                             // read the code from git at `head`...
  std::string head;                                   // ...or, without git, from the working tree
  std::string base;                                   // the base commit (git only)
  std::string base_label;                             // as the user named it: "v1.4"
  // One library for the base and the head of every configuration: a file is read once.
  std::shared_ptr<rules::evidence::CodeLibrary> library =
      std::make_shared<rules::evidence::CodeLibrary>();
  std::string default_base;                           // where globs start without a pgshift.toml
};

std::variant<ReleaseSource, GitError> FromGit(const std::string& range_text,
                                              const fs::path& where) {
  const std::optional<RevisionRange> range = ParseRange(range_text);
  if (!range) return GitError{"--release takes BASE..HEAD (or BASE), not `" + range_text + "`"};
  auto opened = Git::Open(where);
  if (auto* error = std::get_if<GitError>(&opened)) return *error;
  ReleaseSource source;
  source.git = std::get<Git>(std::move(opened));
  source.label = range_text;
  auto base = source.git->ResolveCommit(range->base);
  if (auto* error = std::get_if<GitError>(&base)) return *error;
  auto head = source.git->ResolveCommit(range->head);
  if (auto* error = std::get_if<GitError>(&head)) return *error;
  source.head = std::get<std::string>(head);
  source.base = std::get<std::string>(base);
  source.base_label = range->base;
  auto diff = source.git->Diff(std::get<std::string>(base), source.head);
  if (auto* error = std::get_if<GitError>(&diff)) return *error;
  const std::string top = CanonicalPath(source.git->top());
  source.default_base = top;
  for (const ChangedPath& change : std::get<std::vector<ChangedPath>>(diff)) {
    source.changes.emplace_back(change.status, top + "/" + change.path);
  }
  return source;
}

// A list of changed paths, one a line, relative to the current directory: plain, or as
// `git diff --name-status` prints them ("M<TAB>path", "R100<TAB>old<TAB>new"). A plain line
// does not say how the file changed: it counts as added, so a listed migration is checked.
std::variant<ReleaseSource, ScopeError> FromList(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return ScopeError{"--changed-files: cannot read " + file};
  ReleaseSource source;
  source.label = "changed files in " + file;
  source.default_base = CanonicalPath(fs::current_path());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    char status = 'A';
    const std::size_t tab = line.find('\t');
    if (tab != std::string::npos && tab > 0 && std::isupper(static_cast<unsigned char>(line[0]))) {
      status = line[0];
      const std::size_t last_tab = line.rfind('\t');
      if (status == 'R')
        source.changes.emplace_back('D', CanonicalPath(line.substr(tab + 1, last_tab - tab - 1)));
      if (status == 'R' || status == 'C') status = 'A';
      line = line.substr(last_tab + 1);
    }
    source.changes.emplace_back(status, CanonicalPath(line));
  }
  return source;
}

// Facts about the release for the files one configuration governs.
std::shared_ptr<const rules::ReleaseFacts> FactsFor(const ReleaseSource& source,
                                                    const Config& config,
                                                    const std::vector<std::string>& lint_roots,
                                                    std::vector<std::string>& notes,
                                                    std::optional<ScopeError>& failure) {
  const ReleasePaths paths(ConfigBase(config, source.default_base), config.release, lint_roots);
  auto facts = std::make_shared<rules::ReleaseFacts>();
  facts->range = source.label;
  std::size_t migrations = 0;
  for (const auto& [status, path] : source.changes) {
    if (paths.IsCode(path)) facts->code_changes.push_back(paths.Relative(path));
    if (paths.IsMigration(path) && status == 'A') ++migrations;
  }
  if (source.git) {
    auto head = CommitCodeUses(*source.git, source.head, paths, *source.library);
    if (auto* error = std::get_if<GitError>(&head)) {
      failure = ScopeError{error->message};
      return nullptr;
    }
    facts->head_code = std::get<std::shared_ptr<const rules::evidence::CodeUses>>(head);
    auto base = CommitCodeUses(*source.git, source.base, paths, *source.library);
    if (auto* error = std::get_if<GitError>(&base)) {
      failure = ScopeError{error->message};
      return nullptr;
    }
    facts->base_code = std::get<std::shared_ptr<const rules::evidence::CodeUses>>(base);
    facts->base = source.base_label;
  } else {
    facts->head_code = WorkTreeCodeUses(paths);
  }
  const std::string where = config.path.empty() ? "" : " (" + config.path + ")";
  const std::size_t read = facts->head_code->files() + (facts->base_code ? facts->base_code->files() : 0);
  if (read == 0) {
    notes.push_back("release rules are off" + where + ": no application code under " +
                    paths.base() + " matches [release] code, so the release cannot be judged");
    return nullptr;
  }
  notes.push_back("release " + source.label + where + ": " + std::to_string(migrations) +
                  " migration(s) added and " + std::to_string(facts->code_changes.size()) +
                  " application file(s) changed, under " + paths.base());
  if (facts->base_code) {
    notes.push_back("release " + source.label + where + ": evidence at the base (" +
                    source.base_label + ", read from git): " + facts->base_code->Summary());
    notes.push_back("release " + source.label + where + ": evidence at the head (read from git): " +
                    facts->head_code->Summary());
  } else {
    notes.push_back("release " + source.label + where +
                    ": evidence at the head (the working tree; the base is not known, so any "
                    "application change counts): " + facts->head_code->Summary());
  }
  return facts;
}

std::set<std::string> ChangedSince(const std::string& ref, const fs::path& where,
                                   std::optional<ScopeError>& failure) {
  std::set<std::string> changed;
  auto opened = Git::Open(where);
  if (auto* error = std::get_if<GitError>(&opened)) {
    failure = ScopeError{"--changed-since needs git: " + error->message};
    return changed;
  }
  const Git& git = std::get<Git>(opened);
  auto changes = git.ChangedSince(ref);
  if (auto* error = std::get_if<GitError>(&changes)) {
    failure = ScopeError{"--changed-since " + ref + ": " + error->message};
    return changed;
  }
  const std::string top = CanonicalPath(git.top());
  for (const ChangedPath& change : std::get<std::vector<ChangedPath>>(changes)) {
    if (change.status != 'D') changed.insert(top + "/" + change.path);
  }
  return changed;
}

// A directory convention ([phases]) sets the phase; a marker in the file will override it.
void ApplyPhaseConventions(const std::vector<std::string>& canonical,
                           const std::vector<const Config*>& configs, const std::string& cwd,
                           InputSettings& settings) {
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    const Config& config = *configs[i];
    if (config.phases.empty()) continue;
    const std::string relative =
        ReleasePaths(ConfigBase(config, cwd), {}, {}).Relative(canonical[i]);
    for (const auto& [phase, globs] : config.phases) {
      if (!relative.empty() && GlobSet(globs).Matches(relative)) settings.Own(i).phase = phase;
    }
  }
}

// Keeps only the inputs changed since `ref`.
std::optional<ScopeError> SelectChangedSince(const std::string& ref, const fs::path& where,
                                             const std::vector<LintInput>& inputs,
                                             const std::vector<std::string>& canonical,
                                             LintScope& scope) {
  std::optional<ScopeError> failure;
  const std::set<std::string> changed = ChangedSince(ref, where, failure);
  if (failure) return failure;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].from_stdin && changed.count(canonical[i]) == 0) scope.selected[i] = false;
    kept += scope.selected[i] ? 1 : 0;
  }
  scope.notes.push_back("--changed-since " + ref + ": " + std::to_string(kept) + " of " +
                        std::to_string(inputs.size()) + " migration(s) changed");
  return std::nullopt;
}

// Keeps only the migrations the release adds, and gives them the release's facts.
std::optional<ScopeError> SelectRelease(const ReleaseSource& source,
                                        const std::vector<LintInput>& inputs,
                                        const std::vector<std::string>& canonical,
                                        const std::vector<const Config*>& configs,
                                        const std::vector<std::string>& lint_roots,
                                        InputSettings& settings, LintScope& scope) {
  // Only the migrations the release adds are its steps. One it modifies was deployed before in
  // its earlier text (migration tools do not run a migration twice): history, like the rest.
  std::set<std::string> modified;
  for (const auto& [status, path] : source.changes) {
    if (status == 'A') scope.unreleased.insert(path);
    if (status == 'M' || status == 'T') modified.insert(path);
  }
  std::size_t modified_inputs = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].from_stdin && modified.count(canonical[i]) > 0) ++modified_inputs;
  }
  if (modified_inputs > 0) {
    scope.notes.push_back(source.label + ": " + std::to_string(modified_inputs) +
                          " migration(s) modified, not added: deployed before the release, "
                          "they are history (migration tools do not run them again)");
  }
  std::map<std::string, std::shared_ptr<const rules::ReleaseFacts>> by_config;
  std::size_t in_release = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].from_stdin && scope.unreleased.count(canonical[i]) == 0) {
      scope.selected[i] = false;
      continue;
    }
    if (!scope.selected[i]) continue;
    ++in_release;
    // A down migration does not ship as a step of the release: it is judged as before.
    if (rules::IsDownMigration(inputs[i].path)) continue;
    auto known = by_config.find(configs[i]->path);
    if (known == by_config.end()) {
      std::optional<ScopeError> failure;
      auto facts = FactsFor(source, *configs[i], lint_roots, scope.notes, failure);
      if (failure) return failure;
      known = by_config.emplace(configs[i]->path, std::move(facts)).first;
    }
    settings.Own(i).release = known->second;
  }
  scope.notes.push_back(source.label + ": " + std::to_string(in_release) + " of " +
                        std::to_string(inputs.size()) +
                        " migration(s) are in the release and checked; the others are history");
  if (in_release == 0) {
    scope.warnings.push_back(source.label + " holds no migration among the " +
                             std::to_string(inputs.size()) +
                             " file(s) given: nothing in it to check");
  }
  return std::nullopt;
}

}  // namespace

std::string ConfigBase(const Config& config, const std::string& fallback) {
  if (config.path.empty()) return fallback;
  return CanonicalPath(fs::path(config.path).parent_path().empty()
                           ? fs::current_path()
                           : fs::path(config.path).parent_path());
}

std::variant<LintScope, ScopeError> ScopeLint(const ScopeRequest& request,
                                              const std::vector<LintInput>& inputs,
                                              const std::vector<const Config*>& configs,
                                              InputSettings& settings) {
  LintScope scope;
  scope.selected.assign(inputs.size(), true);
  scope.canonical.resize(inputs.size());
  std::error_code no_working_directory;
  const std::string working_directory = fs::current_path(no_working_directory).native();
  ParallelFor(inputs.size(), request.threads, [&](std::size_t i) {
    scope.canonical[i] = inputs[i].regular_file && !no_working_directory
                             ? CanonicalFilePath(inputs[i].path, working_directory)
                             : CanonicalPath(inputs[i].path);
  });
  const std::vector<std::string>& canonical = scope.canonical;
  std::vector<std::string> lint_roots;
  for (const std::string& path : request.paths) {
    if (path != "-") lint_roots.push_back(CanonicalPath(path));
  }
  ApplyPhaseConventions(canonical, configs, CanonicalPath(fs::current_path()), settings);

  // Git is asked from where the migrations are, which need not be the current directory.
  fs::path where = fs::current_path();
  if (!lint_roots.empty()) {
    where = ExistingFolder(lint_roots.front());  // a folder only the release's head has counts
  }
  if (!request.changed_since.empty()) {
    if (auto error = SelectChangedSince(request.changed_since, where, inputs, canonical, scope)) {
      return *error;
    }
  }

  if (request.release.empty() && request.changed_files.empty()) {
    scope.notes.push_back("release rules are off (" + ReleaseRuleIds() +
                          "): no --release or --changed-files given");
    scope.infer_upgrades = true;
    return scope;
  }
  std::variant<ReleaseSource, GitError> found = GitError{};
  if (!request.release.empty()) {
    found = FromGit(request.release, where);
  } else {
    auto listed = FromList(request.changed_files);
    if (auto* error = std::get_if<ScopeError>(&listed)) return *error;
    found = std::get<ReleaseSource>(std::move(listed));
  }
  if (auto* error = std::get_if<GitError>(&found)) {
    if (!error->unavailable) return ScopeError{error->message};
    scope.warnings.push_back("--release " + request.release + " ignored, release rules are off (" +
                             ReleaseRuleIds() + "): " + error->message);
    return scope;
  }
  const ReleaseSource& source = std::get<ReleaseSource>(found);
  if (auto error = SelectRelease(source, inputs, canonical, configs, lint_roots, settings, scope)) {
    return *error;
  }
  if (source.git) {
    std::size_t max_bytes = 0;
    for (std::size_t i = 0; i < settings.size(); ++i) {
      max_bytes = std::max(max_bytes, parser::ParseLimits{settings[i].max_memory}.FileBytes());
    }
    auto texts = SqlAtCommit(*source.git, source.head, lint_roots, max_bytes);
    if (auto* error = std::get_if<GitError>(&texts)) return ScopeError{error->message};
    scope.release_texts = std::get<std::shared_ptr<const CommitTexts>>(texts);
    scope.notes.push_back(source.label + ": migrations read from the head commit (" +
                          std::to_string(scope.release_texts->size()) +
                          " .sql file(s) there), not the working tree");
  }
  return scope;
}

}  // namespace pgshift::workspace
