#include "rules/engine.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "parser/large_stack.h"
#include "parser/parsed_file.h"
#include "parser/tokens.h"
#include "rules/analysis/file_facts.h"
#include "rules/analysis/lock_hazard_rules.h"
#include "rules/analysis/lock_model.h"
#include "rules/analysis/small_tables.h"
#include "rules/analysis/vanished_targets.h"
#include "rules/closest_name.h"
#include "rules/directives.h"
#include "rules/rule.h"
#include "rules/snapshot/schema.h"

namespace pgshift::rules {
namespace {

// Where the list item starting at `begin` of `sql` ends: before the first comma or unmatched
// closing parenthesis outside nested parentheses, after its last token. Scans a small window after
// `begin` first, then a larger one, so that a table of thousands of columns costs little per
// finding; the end of the statement when no window holds the end (or scans).
std::size_t ItemEnd(std::string_view sql, std::size_t begin) {
  for (const std::size_t window : {std::size_t{512}, std::size_t{16} << 10}) {
    const std::string_view rest = sql.substr(begin, window);
    const bool whole = rest.size() == sql.size() - begin;
    const auto tokens = whole ? parser::ScanTokensFrom(sql, begin) : parser::ScanTokens(rest);
    if (!tokens) {
      if (whole) return sql.size();
      continue;  // cut inside a string or a quoted name: a larger window
    }
    int depth = 0;
    std::size_t end = 0;
    for (const parser::Token& token : *tokens) {
      if (token.kind == PG_QUERY__TOKEN__ASCII_40) {
        ++depth;
      } else if (token.kind == PG_QUERY__TOKEN__ASCII_41) {
        if (depth-- == 0) return begin + end;
      } else if ((token.kind == PG_QUERY__TOKEN__ASCII_44 && depth == 0) ||
                 token.kind == PG_QUERY__TOKEN__ASCII_59) {
        return begin + end;
      }
      end = token.end;
    }
    if (whole) return begin + end;
  }
  return sql.size();
}

struct PendingFinding {
  std::string_view rule;  // a registered rule's id or a literal: static, so not copied
  Report report;
  bool suppressed = false;
  bool small_table = false;  // every table it locks is small by the snapshot: a note
  const RuleDoc* doc = nullptr;  // its rule's, when a rule's check reported it
};

// The finding's severity: its rule's own unless the configuration sets one, found without a
// lookup by id when the rule is known.
Severity SeverityOf(const PendingFinding& pending, const LintSettings& settings) {
  if (pending.doc != nullptr && settings.severity.empty()) return pending.doc->severity;
  return EffectiveSeverity(pending.rule, settings);
}

// Takes the report's texts and edits: a pending finding is not used after.
Finding Materialize(PendingFinding&& pending, const parser::ParsedFile& file,
                    const parser::SourceText& source, const LintSettings& settings) {
  Finding finding;
  finding.rule = std::string(pending.rule);
  finding.severity = pending.small_table ? Severity::kInfo : SeverityOf(pending, settings);
  finding.message = std::move(pending.report.message);
  finding.help = std::move(pending.report.help);
  finding.lock = std::move(pending.report.lock);
  // A report about a comment (a suppression) may come from a file without statements.
  const parser::Statement* statement = pending.report.statement < file.statements.size()
                                           ? &file.statements[pending.report.statement]
                                           : nullptr;
  // Edits are exact only on the file's own statements, not inside a DO block or function body,
  // and not where a template placeholder was read as a name.
  // Help then does not promise that --fix makes the change.
  if (statement != nullptr && !statement->nested() && !file.HoldsPlaceholder(statement->span)) {
    finding.fix = std::move(pending.report.fix);
  } else if (const std::size_t at = finding.help.find(kFixDoesThis); at != std::string::npos) {
    finding.help.erase(at, kFixDoesThis.size());
  }
  finding.file = source.path();
  if (pending.report.span) {
    finding.span = *pending.report.span;
  } else if (statement != nullptr) {
    finding.span = statement->span;
    if (pending.report.location >= 0 &&
        static_cast<std::size_t>(pending.report.location) < statement->text.size()) {
      // Through the statement's offsets: a nested statement's text is not always the file's.
      finding.span.begin = statement->FileOffset(pending.report.location);
      if (pending.report.whole_item) {
        const std::size_t end = ItemEnd(statement->text, pending.report.location);
        finding.span.end = std::max(finding.span.begin, statement->FileOffset(end));
      }
    }
  }
  finding.start = source.PositionOf(finding.span.begin);
  finding.end = source.PositionOf(finding.span.end);
  return finding;
}

// The findings a suppression can cover, found without walking every finding per suppression
// (a file of a million suppressions and findings would be quadratic otherwise).
class SuppressionTargets {
 public:
  SuppressionTargets(const parser::ParsedFile& file, std::vector<PendingFinding>& pending)
      : pending_(pending) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const std::size_t statement = pending[i].report.statement;
      by_statement_[statement].push_back(i);
      // A suppression above a DO block or function also covers the statements inside it.
      const std::size_t top = file.TopLevelOf(statement);
      if (top != statement) by_statement_[top].push_back(i);
    }
  }

  static constexpr std::size_t kWholeFile = static_cast<std::size_t>(-2);

  // Marks the findings of `rule` ("all": any) at `statement` (or kWholeFile) suppressed; whether
  // there was one. Each (statement, rule) is matched once, however often it is named.
  bool Suppress(std::size_t statement, const std::string& rule) {
    const auto emplaced = matched_.try_emplace({statement, rule}, false);
    bool& matched = emplaced.first->second;
    if (!emplaced.second) return matched;
    auto mark = [&](std::size_t i) {
      if (rule != "all" && pending_[i].rule != rule) return;
      pending_[i].suppressed = true;
      matched = true;
    };
    if (statement == kWholeFile) {
      for (std::size_t i = 0; i < pending_.size(); ++i) mark(i);
    } else if (const auto found = by_statement_.find(statement); found != by_statement_.end()) {
      for (const std::size_t i : found->second) mark(i);
    }
    return matched;
  }

 private:
  std::vector<PendingFinding>& pending_;
  std::unordered_map<std::size_t, std::vector<std::size_t>> by_statement_;
  std::map<std::pair<std::size_t, std::string>, bool> matched_;
};

// Marks suppressed findings, and reports suppressions that lack a reason or match nothing, so
// that stale ones do not pile up.
void ApplySuppressions(const parser::ParsedFile& file, const LintSettings& settings,
                       std::vector<PendingFinding>& pending) {
  std::vector<PendingFinding> about_suppressions;
  auto report = [&](std::string_view rule, const parser::Span& comment, std::string message,
                    std::string help) {
    if (!RuleEnabled(rule, settings)) return;
    Report r{std::move(message), std::move(help), {}, -1, 0, comment};
    about_suppressions.push_back({rule, std::move(r)});
  };
  SuppressionTargets targets(file, pending);
  for (const Suppression& suppression : FindSuppressions(file)) {
    const std::string directive =
        suppression.whole_file ? "pgshift-ignore-file" : "pgshift-ignore";
    if (suppression.from_squawk) {
      for (const std::string& rule : suppression.rules) {
        if (rule == "all" || RuleEnabled(rule, settings)) {
          targets.Suppress(
              suppression.whole_file ? SuppressionTargets::kWholeFile : suppression.statement, rule);
        }
      }
      continue;
    }
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
               directive + " names `" + rule + "`, which is no rule" + DidYouMean(rule, RuleIds()),
               "Check the rule id with `pgshift rules`.");
        continue;
      }
      // A rule that did not run cannot have matched; its suppression is not stale.
      if (rule != "all" && !RuleEnabled(rule, settings)) continue;
      const bool matched = targets.Suppress(
          suppression.whole_file ? SuppressionTargets::kWholeFile : suppression.statement, rule);
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

// A finding whose hazard grows with the table, on tables the snapshot says are small, becomes a
// note that gives their size.
void MarkSmallTable(PendingFinding& pending, const FileFacts& facts, const LintSettings& settings) {
  if (settings.schema == nullptr || settings.small_table_rows <= 0) return;
  if (!IsSizeBound(pending.rule) || pending.report.statement >= facts.locks.size()) return;
  const auto small = SmallTables(facts.locks[pending.report.statement], settings.schema->schema,
                                 settings.small_table_rows);
  if (!small) return;
  pending.small_table = true;
  pending.report.message += " (small table by the schema snapshot: " + *small + ")";
}

// One hazard, one finding: a deferring rule's finding goes where a lock, scan or rewrite rule
// already reports an error or warning on a statement that itself takes ACCESS EXCLUSIVE on an
// existing table, or builds an index on or validates one its transaction already holds so (those
// rules' findings then say reads wait too), so that finding already says reads and writes wait (an
// index build's SHARE lock on another table does not: there the deferring finding adds that the
// held table's reads wait too). Suppressed or not: a suppression with its reason judges the hazard
// too. After suppressions, so that one naming the deferring rule still matches and is not reported
// as unused.
void DropDeferred(std::vector<PendingFinding>& pending, const FileFacts& facts,
                  const LintSettings& settings) {
  const auto closes_a_table = [&](std::size_t statement) {
    if (statement >= facts.locks.size()) return false;
    for (const TableLock& lock : facts.locks[statement]) {
      if (lock.new_table) continue;
      if (lock.mode == LockMode::kAccessExclusive) return true;
      // An index build or a validation of a table held so: their rules' findings say reads
      // wait too (a foreign key's does not).
      const bool says_reads_wait =
          lock.form == Form::kCreateIndex || lock.form == Form::kValidateConstraint;
      if (says_reads_wait && lock.work >= TableWork::kScan &&
          facts.AccessExclusiveSince(statement, lock.table)) {
        return true;
      }
    }
    return false;
  };
  std::unordered_map<std::size_t, bool> reported;  // statement -> a lock hazard is reported
  for (const PendingFinding& p : pending) {
    if (p.small_table || !IsLockHazard(p.rule)) continue;
    if (SeverityOf(p, settings) == Severity::kInfo) continue;
    if (reported.count(p.report.statement) == 0) {
      reported[p.report.statement] = closes_a_table(p.report.statement);
    }
  }
  for (PendingFinding& p : pending) {
    const auto found = reported.find(p.report.statement);
    if (p.suppressed || found == reported.end() || !found->second) continue;
    if (p.doc != nullptr && p.doc->defers_to_other_findings) p.suppressed = true;
  }
  // A rule that names another for the same hazard (RuleDoc::defers_to) leaves it the statement.
  for (PendingFinding& p : pending) {
    if (p.suppressed || p.doc == nullptr || p.doc->defers_to.empty()) continue;
    p.suppressed = std::any_of(pending.begin(), pending.end(), [&](const PendingFinding& other) {
      return other.rule == p.doc->defers_to && other.report.statement == p.report.statement;
    });
  }
}

// Whether `set` names the rule; the rule id is copied into a key only when there is a set to
// look in (mostly there is none, and most ids are too long to copy without allocating).
bool Names(const std::set<std::string>& set, std::string_view id) {
  return !set.empty() && set.count(std::string(id)) > 0;
}

bool Enabled(const RuleDefinition& rule, const LintSettings& settings) {
  if (Names(settings.disabled, rule.doc->id)) return false;
  if (settings.pg_version < rule.doc->min_pg_version) return false;
  if (rule.doc->contract_change && settings.ContractExpected()) return false;
  if (rule.doc->needs_release && settings.release == nullptr) return false;
  return rule.doc->enabled_by_default || Names(settings.enabled, rule.doc->id);
}

}  // namespace

bool RuleEnabled(std::string_view id, const LintSettings& settings) {
  const RuleDefinition* rule = FindRule(id);
  return rule != nullptr && Enabled(*rule, settings);
}

Severity EffectiveSeverity(std::string_view id, const LintSettings& settings) {
  if (!settings.severity.empty()) {
    const auto it = settings.severity.find(std::string(id));
    if (it != settings.severity.end()) return it->second;
  }
  const RuleDefinition* rule = FindRule(id);
  return rule != nullptr ? rule->doc->severity : Severity::kError;
}

namespace {

FileReport LintHere(const parser::SourceText& source, const LintSettings& configured,
                    const Catalog* history, Catalog* after, const parser::ParsedTexts* parsed) {
  FileReport report;
  report.path = source.path();
  if (auto error = parser::ValidateText(source.text())) {
    const parser::LineColumn at = source.PositionOf(error->offset);
    report.unreadable = source.path() + ":" + std::to_string(at.line) + ":" +
                        std::to_string(at.column) + ": " + error->message;
    return report;
  }

  std::optional<parser::ParsedFile> own;
  const parser::ParsedFile& file = parser::ParsedOrParse(
      parsed, source.text(), parser::ParseLimits{configured.max_memory}, own);
  if (file.over_limit) {
    const parser::LineColumn at = source.PositionOf(file.over_limit->offset);
    report.unreadable = source.path() + ":" + std::to_string(at.line) + ":" +
                        std::to_string(at.column) + ": " + file.over_limit->message;
    return report;
  }
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
  facts.built_indexes = BuiltIndexes(file);
  facts.timeouts = AnalyzeTimeouts(file, facts.transactions, settings.tool_sets_lock_timeout);
  for (const parser::Statement& statement : file.statements) {
    facts.lines.push_back(source.PositionOf(statement.span.begin).line);
  }
  facts.locks.resize(file.statements.size());
  for (std::size_t i = 0; i < file.statements.size(); ++i) {
    facts.runs_with_file.push_back(file.RunsWithTopLevel(i));
    const parser::Node* node = file.statements[i].node;
    if (!facts.runs_with_file[i] || node == nullptr || node->node_case != PG_QUERY__NODE__NODE_DROP_STMT ||
        node->drop_stmt->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
      continue;
    }
    for (std::size_t k = 0; k < node->drop_stmt->n_objects; ++k) {
      const parser::Node* object = node->drop_stmt->objects[k];
      if (object->node_case != PG_QUERY__NODE__NODE_LIST) continue;
      facts.dropped_tables.emplace_back(i, parser::NameOfList(parser::StringList(object->list)));
    }
  }
  // A rollback is judged against the schema its up migration left, with what that up added
  // marked new (LintSettings::rollback_of); else the history replayed, else the schema snapshot,
  // else nothing known.
  Catalog catalog = settings.rollback_of != nullptr ? *settings.rollback_of
                    : history != nullptr           ? *history
                    : settings.schema != nullptr   ? settings.schema->catalog
                                                   : Catalog();
  if (settings.schema != nullptr) {
    report.notes.push_back(source.path() + ": judged against the schema snapshot " +
                           settings.schema->path);
  }

  std::vector<const RuleDefinition*> rules;
  for (const RuleDefinition& rule : AllRules()) {
    // Enabled, not RuleEnabled: looking each rule up again by id is quadratic in the rules.
    if (rule.check != nullptr && Enabled(rule, settings)) rules.push_back(&rule);
  }

  for (std::size_t i = 0; i < file.statements.size(); ++i) {
    const parser::Node* node = file.statements[i].node;
    if (const std::optional<parser::QualifiedName> gone = AlteredAfterDrop(node, catalog)) {
      note(file.statements[i].span.begin,
           "IF EXISTS of " + gone->ToSql() +
               ", which an earlier migration or statement dropped: PostgreSQL skips it and takes "
               "no lock, so no rule judges it");
      continue;
    }
    facts.locks[i] = LocksOf(node, settings.pg_version, catalog);
    // Locks on a table the file drops later are judged at the drop, like those on a new table.
    for (TableLock& lock : facts.locks[i]) lock.new_table |= facts.DroppedLater(i, lock.table);
    const StatementContext context{file, facts, settings, i, catalog};
    for (const RuleDefinition* rule : rules) {
      Reporter reporter(i);
      rule->check(context, reporter);
      for (Report& r : reporter.reports()) {
        PendingFinding finding{rule->doc->id, std::move(r)};
        finding.doc = rule->doc;
        MarkSmallTable(finding, facts, settings);
        pending.push_back(std::move(finding));
      }
      for (const std::string& quiet : reporter.notes()) {
        note(file.statements[i].span.begin, std::string(rule->doc->id) + ": " + quiet);
      }
    }
    catalog.Apply(node, /*is_new=*/true);
  }
  if (after != nullptr) *after = std::move(catalog);

  ApplySuppressions(file, settings, pending);
  DropDeferred(pending, facts, settings);

  report.findings.reserve(pending.size());
  for (PendingFinding& p : pending) {
    if (!p.suppressed) report.findings.push_back(Materialize(std::move(p), file, source, settings));
  }
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
                     return a.rule < b.rule;
                   });
  return report;
}

}  // namespace

// Rules walk parse trees recursively, as deep as the parser allows (parser/large_stack.h).
FileReport LintSource(const parser::SourceText& source, const LintSettings& settings,
                      const Catalog* history, Catalog* after, const parser::ParsedTexts* parsed) {
  return parser::OnLargeStack([&] { return LintHere(source, settings, history, after, parsed); });
}

}  // namespace pgshift::rules
