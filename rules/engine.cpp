#include "rules/engine.h"

#include <algorithm>

#include "parser/parsed_file.h"
#include "rules/analysis/file_facts.h"
#include "rules/analysis/lock_model.h"
#include "rules/directives.h"
#include "rules/rule.h"

namespace pgshift::rules {
namespace {

struct PendingFinding {
  std::string rule;
  Report report;
  bool suppressed = false;
};

Finding Materialize(const PendingFinding& pending, const parser::ParsedFile& file,
                    const parser::SourceText& source, const LintSettings& settings) {
  Finding finding;
  finding.rule = pending.rule;
  finding.severity = EffectiveSeverity(pending.rule, settings);
  finding.message = pending.report.message;
  finding.help = pending.report.help;
  finding.lock = pending.report.lock;
  // Edits are exact only on the file's own statements, not inside a DO block or function body.
  // Findings about suppression comments carry no edits and may come from a file without
  // statements.
  if (!pending.report.fix.empty() && !file.statements[pending.report.statement].nested()) {
    finding.fix = pending.report.fix;
  }
  finding.file = source.path();
  if (pending.report.span) {
    finding.span = *pending.report.span;
  } else {
    const parser::Statement& statement = file.statements[pending.report.statement];
    finding.span = statement.span;
    if (pending.report.location >= 0 &&
        static_cast<std::size_t>(pending.report.location) < statement.text.size()) {
      // Through the statement's offsets: a nested statement's text is not always the file's.
      finding.span.begin = statement.FileOffset(pending.report.location);
    }
  }
  finding.start = source.PositionOf(finding.span.begin);
  finding.end = source.PositionOf(finding.span.end);
  return finding;
}

// Marks suppressed findings, and reports suppressions that lack a reason or match nothing, so
// that stale ones do not pile up.
void ApplySuppressions(const parser::ParsedFile& file, const LintSettings& settings,
                       std::vector<PendingFinding>& pending) {
  std::vector<PendingFinding> about_suppressions;
  auto report = [&](std::string_view rule, const parser::Span& comment, std::string message,
                    std::string help) {
    if (!RuleEnabled(rule, settings)) return;
    Report r{std::move(message), std::move(help), {}, -1, 0, comment};
    about_suppressions.push_back({std::string(rule), std::move(r)});
  };
  for (const Suppression& suppression : FindSuppressions(file)) {
    const std::string directive =
        suppression.whole_file ? "pgshift-ignore-file" : "pgshift-ignore";
    if (suppression.reason.empty()) {
      report("suppression-missing-reason", suppression.comment,
             directive + " gives no reason",
             "Say why the finding is acceptable: -- " + directive + " <rule>: <reason>");
    }
    if (suppression.rules.empty()) {
      report("unused-suppression", suppression.comment, directive + " names no rule",
             "Name the rule to ignore: -- " + directive + " <rule>: <reason>");
    }
    for (const std::string& rule : suppression.rules) {
      if (rule != "all" && FindRule(rule) == nullptr) {
        report("unused-suppression", suppression.comment,
               directive + " names `" + rule + "`, which is no rule",
               "Check the rule id with `pgshift rules`.");
        continue;
      }
      // A rule that did not run cannot have matched; its suppression is not stale.
      if (rule != "all" && !RuleEnabled(rule, settings)) continue;
      bool matched = false;
      for (PendingFinding& p : pending) {
        // A suppression above a DO block or function also covers the statements inside it.
        const bool covered = suppression.whole_file ||
                             p.report.statement == suppression.statement ||
                             file.TopLevelOf(p.report.statement) == suppression.statement;
        if ((rule == "all" || p.rule == rule) && covered) {
          p.suppressed = true;
          matched = true;
        }
      }
      if (!matched) {
        report("unused-suppression", suppression.comment,
               directive + " for `" + rule + "` matches no finding",
               suppression.whole_file ? "Remove the directive: nothing in this file needs it."
                                      : "Remove the directive, or move it to the line above the "
                                        "statement it is meant for.");
      }
    }
  }
  for (PendingFinding& p : about_suppressions) pending.push_back(std::move(p));
}

bool Enabled(const RuleDefinition& rule, const LintSettings& settings) {
  const std::string key(rule.doc->id);
  if (settings.disabled.count(key) > 0) return false;
  if (settings.pg_version < rule.doc->min_pg_version) return false;
  if (rule.doc->contract_change && settings.ContractExpected()) return false;
  if (rule.doc->needs_release && settings.release == nullptr) return false;
  return rule.doc->enabled_by_default || settings.enabled.count(key) > 0;
}

}  // namespace

bool RuleEnabled(std::string_view id, const LintSettings& settings) {
  const RuleDefinition* rule = FindRule(id);
  return rule != nullptr && Enabled(*rule, settings);
}

Severity EffectiveSeverity(std::string_view id, const LintSettings& settings) {
  const auto it = settings.severity.find(std::string(id));
  if (it != settings.severity.end()) return it->second;
  const RuleDefinition* rule = FindRule(id);
  return rule != nullptr ? rule->doc->severity : Severity::kError;
}

FileReport LintSource(const parser::SourceText& source, const LintSettings& configured,
                      const Catalog* history) {
  FileReport report;
  report.path = source.path();
  if (auto error = parser::ValidateText(source.text())) {
    const parser::LineColumn at = source.PositionOf(error->offset);
    report.unreadable = source.path() + ":" + std::to_string(at.line) + ":" +
                        std::to_string(at.column) + ": " + error->message;
    return report;
  }

  const parser::ParsedFile file = parser::ParseSql(source.text());
  report.statements = std::count_if(file.statements.begin(), file.statements.end(),
                                    [](const parser::Statement& s) { return !s.nested(); });
  const auto note = [&](std::size_t offset, const std::string& message) {
    const parser::LineColumn at = source.PositionOf(offset);
    report.notes.push_back(source.path() + ":" + std::to_string(at.line) + ":" +
                           std::to_string(at.column) + ": " + message);
  };
  for (const parser::Span& meta : file.meta_commands) {
    note(meta.begin, "skipped psql meta-command " + source.text().substr(meta.begin, meta.size()));
  }
  for (const parser::ParseNote& parse_note : file.notes)
    note(parse_note.offset, parse_note.message);

  // A phase marker at the top of the file overrides the configured phase.
  LintSettings settings = configured;
  std::vector<PendingFinding> pending;
  for (const FileDirective& directive : FindFileDirectives(file)) {
    if (!directive.error.empty()) {
      Report r{directive.error,
               "Write `-- pgshift: phase=expand|backfill|switch|contract` above the first "
               "statement of the file.",
               {}, -1, 0, directive.comment};
      pending.push_back({"invalid-directive", std::move(r)});
    } else if (directive.phase) {
      settings.phase = directive.phase;
      const parser::LineColumn at = source.PositionOf(directive.comment.begin);
      report.notes.push_back(source.path() + ":" + std::to_string(at.line) + ":" +
                             std::to_string(at.column) + ": phase " +
                             std::string(PhaseName(*directive.phase)) + " (marker)");
    }
  }
  if (!RuleEnabled("invalid-directive", settings)) pending.clear();

  FileFacts facts;
  facts.transactions = AnalyzeTransactions(file, settings.transactions);
  facts.timeouts = AnalyzeTimeouts(file, facts.transactions, settings.tool_sets_lock_timeout);
  for (const parser::Statement& statement : file.statements) {
    facts.lines.push_back(source.PositionOf(statement.span.begin).line);
  }
  facts.locks.resize(file.statements.size());
  Catalog catalog = history != nullptr ? *history : Catalog();

  std::vector<const RuleDefinition*> rules;
  for (const RuleDefinition& rule : AllRules()) {
    // Enabled, not RuleEnabled: looking each rule up again by id is quadratic in the rules.
    if (rule.check != nullptr && Enabled(rule, settings)) rules.push_back(&rule);
  }

  for (std::size_t i = 0; i < file.statements.size(); ++i) {
    const parser::Node* node = file.statements[i].node;
    facts.locks[i] = LocksOf(node, settings.pg_version, catalog);
    const StatementContext context{file, facts, settings, i, catalog};
    for (const RuleDefinition* rule : rules) {
      Reporter reporter(i);
      rule->check(context, reporter);
      for (Report& r : reporter.reports()) {
        pending.push_back({std::string(rule->doc->id), std::move(r)});
      }
    }
    catalog.Apply(node, /*is_new=*/true);
  }

  ApplySuppressions(file, settings, pending);

  for (const PendingFinding& p : pending) {
    if (!p.suppressed) report.findings.push_back(Materialize(p, file, source, settings));
  }
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
                     return a.rule < b.rule;
                   });
  return report;
}

}  // namespace pgshift::rules
