#include "workspace/history_check.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "project/generic_tool.h"
#include "project/recognition.h"
#include "rules/engine.h"
#include "rules/history/replay.h"
#include "workspace/release_migrations.h"
#include "workspace/section_lint.h"

namespace pgshift::workspace {
namespace {

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
                    rules::FileReport& report, const parser::ParsedTexts* parsed) {
  rules::Catalog deployed = history;
  deployed.MarkAllReleased();
  const rules::FileReport without = LintRun(source, run, settings, &deployed, nullptr, parsed);
  const std::string root = job.root + "/";
  const auto shown = [&](const std::string& path) {
    return path.starts_with(root) ? path.substr(root.size()) : path;
  };
  for (const rules::Finding& finding : without.findings) {
    if (finding.severity == rules::Severity::kInfo) continue;
    const bool kept =
        std::any_of(report.findings.begin(), report.findings.end(), [&](const rules::Finding& f) {
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
          why = "table " + table->name.ToSql() + " is created by " + shown(path) +
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

// Whether the step is skipped: with a snapshot, released migrations are in it already.
bool Skipped(const JobBasics& basics, const Step& step, const LintScope& scope) {
  return basics.snapshot != nullptr && !step.input && scope.unreleased.count(step.path) == 0;
}

// Reads a step's text: an input as given (or at the release's commit), an earlier migration from
// disk, within the limit and at most `cap` bytes.
bool ReadStep(const Step& step, const JobBasics& basics, const std::vector<LintInput>& inputs,
              const InputSettings& settings, const LintScope& scope, std::size_t cap,
              std::string& text, std::string& error) {
  if (ReadAtCommit(scope.release_texts.get(), step.path, text)) return true;
  if (!step.input) return ReadPath(step.path, text, error, std::min(cap, basics.max_bytes));
  const std::size_t limit = parser::ParseLimits{settings[*step.input].max_memory}.FileBytes();
  return ReadInput(inputs[*step.input], text, error, std::min(cap, limit));
}

// Larger files are left to RunJob, which parses them when it gets there: parsing ahead holds
// about 20 times a file's text in parse trees until it is checked.
constexpr std::size_t kAheadFileBytes = std::size_t{256} << 10;
// The step's text: as prepared ahead, else read now. An input that cannot be read gets a report
// saying so; either way there is no text then.
bool TextOf(const Step& step, PreparedStep* prepared, const JobBasics& basics,
            const std::vector<LintInput>& inputs, const InputSettings& settings,
            const LintScope& scope, StepDone& done, std::string& text) {
  if (prepared != nullptr) {
    text = std::move(prepared->text);
    return true;
  }
  std::string error;
  if (ReadStep(step, basics, inputs, settings, scope, SIZE_MAX, text, error)) return true;
  if (step.input) {
    rules::FileReport report;
    report.path = inputs[*step.input].path;
    report.unreadable = error;
    done.Put(LintedFile{parser::SourceText(report.path, ""), std::move(report)});
  }
  return false;
}

// The notes of a checked file: why it stands alone, what it was judged against, a down section
// it holds, and the tool's opt-outs it uses.
void AddStepNotes(const Job& job, const Step& step, const parser::SourceText& source,
                  const project::FileRun& run, std::size_t replayed, std::size_t unreadable,
                  rules::FileReport& report) {
  const std::string& path = source.path();
  if (!step.note.empty()) report.notes.push_back(step.note);
  if (!job.root.empty()) {
    report.notes.push_back(
        path + ": judged against " + std::to_string(replayed) + " earlier migration(s) in " +
        job.root +
        (unreadable > 0 ? " (" + std::to_string(unreadable) + " unreadable, skipped)" : ""));
  }
  for (const project::Section& section : run.sections) {
    if (section.direction == project::Direction::kDown && section.begin > 0) {
      report.notes.push_back(path + ":" + std::to_string(source.PositionOf(section.begin).line) +
                             ": down section: checked, not replayed into the history");
      break;
    }
  }
  if (job.tool != nullptr && job.tool->recognised) {
    NoteOptOuts(source, run, job.tool->tool->Name(), report);
  }
}

// A rollback (down) migration to check: against the schema its history has so far, deployed, and
// what the migration it undoes added. Nothing the history's next files see depends on it: it is
// not replayed, and what migrates up in it is not cut out for a replay.
struct RollbackCheck {
  std::size_t step = 0;
  std::shared_ptr<PreparedStep> prepared;  // read and parsed ahead, or null
  // What it rolls back: the schema its up migration left, with what that added marked new; null
  // when that migration is not known, and the rollback runs against the history deployed.
  std::shared_ptr<const rules::Catalog> rollback_of;
  rules::Catalog deployed;                            // only without rollback_of
  std::size_t replayed = 0;                           // for its note: the migrations before it
  std::size_t unreadable = 0;
};

void CheckRollback(const Job& job, const RollbackCheck& check, const JobBasics& basics,
                   const std::vector<LintInput>& inputs, const InputSettings& settings,
                   const LintScope& scope, FilesInOrder& order) {
  const Step& step = job.steps[check.step];
  StepDone done(order, step.input);  // its file may be handed over once the check ends
  std::string text;
  if (!TextOf(step, check.prepared.get(), basics, inputs, settings, scope, done, text)) return;
  const project::FileRun run =
      check.prepared != nullptr ? std::move(check.prepared->run) : Describe(job, step, text);
  parser::SourceText source(inputs[*step.input].path, std::move(text));
  const project::MigrationTool* tool =
      job.tool != nullptr && job.tool->recognised ? job.tool->tool.get() : nullptr;
  rules::LintSettings file_settings = SettingsForTool(settings[*step.input], tool, step.path);
  // A rollback does not ship as a step of the release; it rolls back what is deployed.
  file_settings.release = nullptr;
  file_settings.rollback = true;
  if (check.rollback_of != nullptr) file_settings.rollback_of = check.rollback_of;
  const rules::Catalog* history = check.rollback_of != nullptr ? nullptr : &check.deployed;
  rules::FileReport report = LintRun(source, run, file_settings, history, nullptr,
                                     check.prepared != nullptr ? &check.prepared->parsed : nullptr);
  AddStepNotes(job, step, source, run, check.replayed, check.unreadable, report);
  done.Put(LintedFile{std::move(source), std::move(report)});
}

}  // namespace

JobBasics BasicsOf(const Job& job, const InputSettings& settings) {
  JobBasics basics;
  for (const Step& step : job.steps) {
    if (step.input && settings[*step.input].schema) {
      basics.snapshot = settings[*step.input].schema.get();
    }
    if (step.input) {
      basics.max_bytes = parser::ParseLimits{settings[*step.input].max_memory}.FileBytes();
    }
  }
  basics.upgrades = basics.snapshot == nullptr ? job.upgrades.get() : nullptr;
  return basics;
}

std::shared_ptr<PreparedStep> PrepareStep(const Job& job, std::size_t s, const JobBasics& basics,
                                          const std::vector<LintInput>& inputs,
                                          const InputSettings& settings, const LintScope& scope) {
  const Step& step = job.steps[s];
  // Standard input can be read only once: by RunJob.
  if (Skipped(basics, step, scope) || (step.input && inputs[*step.input].from_stdin)) {
    return nullptr;
  }
  auto prepared = std::make_shared<PreparedStep>();
  std::string error;
  if (!ReadStep(step, basics, inputs, settings, scope, kAheadFileBytes, prepared->text, error) ||
      prepared->text.size() > kAheadFileBytes) {
    return nullptr;
  }
  const std::string& text = prepared->text;
  prepared->run = Describe(job, step, text);
  const bool history = !job.root.empty() && step.replay;
  if (step.input) {
    const parser::ParseLimits limits{settings[*step.input].max_memory};
    for (std::string& part : LintRunTexts(text, prepared->run)) {
      prepared->parsed.Add(std::move(part), limits);
    }
    // Replayed apart from its check only for a rollback's sake, or after an unreleased file.
    const bool keep_new =
        scope.unreleased.count(step.path) > 0 || step.unit_continues || basics.upgrades != nullptr;
    if (history && (step.keep_added || (!keep_new && !scope.unreleased.empty()))) {
      prepared->parsed.Add(SectionsOnly(text, prepared->run, project::Direction::kUp), {});
    }
  } else if (history) {
    prepared->parsed.Add(SectionsOnly(text, prepared->run, project::Direction::kUp), {});
  }
  return prepared;
}

void RunJob(const Job& job, const std::vector<LintInput>& inputs, const InputSettings& settings,
            const LintScope& scope, FilesInOrder& order, StepsAhead* ahead) {
  const JobBasics basics = BasicsOf(job, settings);
  const rules::SchemaSnapshot* snapshot = basics.snapshot;
  rules::Catalog catalog = snapshot != nullptr ? snapshot->catalog : rules::Catalog();
  std::size_t replayed = 0, unreadable = 0;
  bool replayed_unreleased = false;
  bool unit_open = false;  // the catalog holds the new objects of a unit not finished yet
  // Per step whose rollback is checked: the catalog it leaves, what it added new.
  std::map<std::size_t, std::shared_ptr<const rules::Catalog>> added_by;
  const project::MigrationTool* tool =
      job.tool != nullptr && job.tool->recognised ? job.tool->tool.get() : nullptr;
  // With upgrades: the one whose migrations' new objects the catalog holds as new. They are
  // released when a migration of another upgrade (or of none known) comes.
  const MigrationUpgrades* upgrades = basics.upgrades;
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
    if (!step.replay) {
      RollbackCheck check{s, ahead != nullptr ? ahead->Take(s) : nullptr};
      check.replayed = replayed;
      check.unreadable = unreadable;
      if (step.rolls_back) {
        const auto added = added_by.find(*step.rolls_back);
        if (added != added_by.end()) check.rollback_of = added->second;
      }
      // A copy of the history only when the rollback is judged against it.
      if (check.rollback_of == nullptr) check.deployed = Deployed(&catalog);
      CheckRollback(job, check, basics, inputs, settings, scope, order);
      continue;
    }
    StepDone done(order, step.input);  // its file may be handed over once this step ends
    if (Skipped(basics, step, scope)) continue;
    // Read and parsed ahead by another thread, or null: then read (and parsed) here.
    const std::shared_ptr<PreparedStep> prepared = ahead != nullptr ? ahead->Take(s) : nullptr;
    const parser::ParsedTexts* parsed = prepared != nullptr ? &prepared->parsed : nullptr;
    std::string text;
    if (!TextOf(step, prepared.get(), basics, inputs, settings, scope, done, text)) {
      if (!step.input) ++unreadable;
      continue;
    }
    const project::FileRun run =
        prepared != nullptr ? std::move(prepared->run) : Describe(job, step, text);
    const bool unreleased = scope.unreleased.count(step.path) > 0;
    const bool keep_new = unreleased || step.unit_continues || upgrades != nullptr;
    // A migration of another upgrade than the one before it: that one is deployed by now.
    const std::string* step_upgrade = upgrades != nullptr ? upgrades->Find(step.path) : nullptr;
    const bool same_upgrade = step_upgrade != nullptr && upgrade && *upgrade == *step_upgrade;
    if (upgrades != nullptr) {
      if (!same_upgrade && !unit_open) {
        catalog.MarkAllReleased();
        so_far.steps.clear();
      }
      upgrade = step_upgrade != nullptr ? std::optional<std::string>(*step_upgrade) : std::nullopt;
    }
    std::string up_text;  // what migrates up, for the replay
    if (step.input) {
      parser::SourceText source(inputs[*step.input].path, std::move(text));
      rules::LintSettings file_settings = SettingsForTool(settings[*step.input], tool, step.path);
      // A rollback does not ship as a step of the release; it rolls back what is deployed.
      if (OnlyRollsBack(run)) file_settings.release = nullptr;
      const rules::Catalog* history = job.root.empty() ? nullptr : &catalog;
      // Checking a migration applies it to a copy of the history: that copy becomes the history
      // for the next file, which saves parsing it again. Not when a released file follows an
      // unreleased one, whose objects must stay new while this file's are released.
      const bool advance = !job.root.empty() && (keep_new || !replayed_unreleased);
      rules::Catalog after;
      rules::FileReport report =
          LintRun(source, run, file_settings, history, advance ? &after : nullptr, parsed);
      if (scope.verbose && same_upgrade && !so_far.steps.empty() && history != nullptr) {
        ExplainQuieted(source, run, file_settings, *history, *step_upgrade, so_far, job, report,
                       parsed);
      }
      AddStepNotes(job, step, source, run, replayed, unreadable, report);
      const bool readable = !report.unreadable;
      const std::string_view linted =
          done.Put(LintedFile{std::move(source), std::move(report)}).source.text();
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
                                     /*unreleased=*/true, *added, parsed)) {
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
    if (!job.root.empty()) {
      if (step.keep_added) {
        auto added = std::make_shared<rules::Catalog>(catalog);
        if (upgrades != nullptr) added->MarkAllReleased();
        if (rules::ReplayMigration(up_text, /*unreleased=*/true, *added, parsed)) {
          added_by[s] = added;
        }
      }
      if (rules::ReplayMigration(up_text, keep_new, catalog, parsed)) {
        applied(step, unreleased);
      } else {
        ++unreadable;
      }
    }
  }
}

}  // namespace pgshift::workspace
