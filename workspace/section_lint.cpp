#include "workspace/section_lint.h"

#include <algorithm>
#include <iterator>

namespace pgshift::workspace {
namespace {

using project::Direction;
using project::Section;

rules::LintSettings ForSection(const rules::LintSettings& base, const Section& section) {
  rules::LintSettings settings = base;
  if (!settings.transactions_set && section.wrapping) settings.transactions = *section.wrapping;
  return settings;
}

// Whether the section is the whole text: kept as it is.
bool Whole(std::string_view text, const Section& section) {
  return section.begin == 0 && section.end >= text.size();
}

std::string KeepOnly(std::string_view text, const Section& section) {
  std::string out(text);
  // Only what lies outside the section is blanked, line breaks kept.
  const auto blank = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (out[i] != '\n') out[i] = ' ';
    }
  };
  blank(0, std::min(section.begin, out.size()));
  blank(std::min(std::max(section.begin, section.end), out.size()), out.size());
  return out;
}

void Merge(rules::FileReport& into, rules::FileReport&& part) {
  into.findings.insert(into.findings.end(), std::make_move_iterator(part.findings.begin()),
                       std::make_move_iterator(part.findings.end()));
  into.notes.insert(into.notes.end(), std::make_move_iterator(part.notes.begin()),
                    std::make_move_iterator(part.notes.end()));
  into.statements += part.statements;
}

void SortFindings(rules::FileReport& report) {
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const rules::Finding& a, const rules::Finding& b) {
                     return a.span.begin < b.span.begin;
                   });
}

// Lints the rollback sections of a file against `deployed`.
void LintRollbacks(const parser::SourceText& source, const std::vector<Section>& downs,
                   const rules::LintSettings& settings, const rules::Catalog* deployed,
                   rules::FileReport& report, const parser::ParsedTexts* parsed) {
  for (const Section& down : downs) {
    rules::LintSettings down_settings = ForSection(settings, down);
    down_settings.release = nullptr;  // a rollback is not what the release runs
    // A down file is one section: its own text, not a copy.
    if (Whole(source.text(), down)) {
      Merge(report, rules::LintSource(source, down_settings, deployed, nullptr, parsed));
      continue;
    }
    Merge(report, rules::LintSource(
                      parser::SourceText(source.path(), KeepOnly(source.text(), down)),
                      down_settings, deployed, nullptr, parsed));
  }
}

}  // namespace

rules::LintSettings SettingsForTool(const rules::LintSettings& base,
                                    const project::MigrationTool* tool, const std::string& path) {
  rules::LintSettings settings = base;
  if (tool == nullptr) return settings;
  settings.migration_tool = std::string(tool->Name());
  settings.tool_opt_out = tool->OptOut(path);
  settings.tool_runs_concurrent_scripts_outside = tool->RunsConcurrentScriptsOutsideTransaction();
  return settings;
}

std::string SectionsOnly(std::string_view text, const project::FileRun& run,
                         Direction direction) {
  // Blank everything but the line breaks, then copy the kept sections back over it.
  std::string out(text.size(), ' ');
  for (std::size_t at = text.find('\n'); at != std::string_view::npos;
       at = text.find('\n', at + 1)) {
    out[at] = '\n';
  }
  for (const Section& section : run.sections) {
    if (section.direction != direction) continue;
    // A section out of order or past the end keeps nothing beyond the text.
    const std::size_t begin = std::min(section.begin, text.size());
    const std::size_t end = std::min(section.end, text.size());
    if (begin >= end) continue;
    out.replace(begin, end - begin, text.substr(begin, end - begin));
  }
  return out;
}

bool OnlyRollsBack(const project::FileRun& run) {
  return !run.sections.empty() &&
         std::all_of(run.sections.begin(), run.sections.end(),
                     [](const Section& s) { return s.direction == Direction::kDown; });
}

namespace {

// How LintRun takes a file apart: its up sections and its down sections, in order.
struct Parts {
  std::vector<Section> ups, downs;
  bool whole = false;  // the common case: the whole file migrates up, as one piece
  bool alike = false;  // the up sections are wrapped alike, and linted together
};

Parts PartsOf(std::string_view text, const project::FileRun& run) {
  Parts parts;
  for (const Section& section : run.sections) {
    (section.direction == Direction::kUp ? parts.ups : parts.downs).push_back(section);
  }
  const std::vector<Section>& ups = parts.ups;
  parts.whole = parts.downs.empty() && ups.size() == 1 && ups[0].begin == 0 &&
                ups[0].end >= text.size();
  parts.alike = std::all_of(ups.begin(), ups.end(), [&](const Section& s) {
    return s.wrapping == ups[0].wrapping;
  });
  return parts;
}

}  // namespace

std::vector<std::string> LintRunTexts(std::string_view text, const project::FileRun& run) {
  const Parts parts = PartsOf(text, run);
  if (parts.whole) return {std::string(text)};
  std::vector<std::string> texts;
  if (parts.alike && !parts.ups.empty()) {
    texts.push_back(SectionsOnly(text, run, Direction::kUp));
  } else {
    for (const Section& section : parts.ups) texts.push_back(KeepOnly(text, section));
  }
  for (const Section& section : parts.downs) texts.push_back(KeepOnly(text, section));
  return texts;
}

rules::FileReport LintRun(const parser::SourceText& source, const project::FileRun& run,
                          const rules::LintSettings& settings, const rules::Catalog* history,
                          rules::Catalog* after_up, const parser::ParsedTexts* parsed) {
  const std::string_view text = source.text();
  const Parts parts = PartsOf(text, run);
  const std::vector<Section>& ups = parts.ups;
  const std::vector<Section>& downs = parts.downs;
  if (parts.whole) {
    return rules::LintSource(source, ForSection(settings, ups[0]), history, after_up, parsed);
  }
  rules::FileReport report;
  report.path = source.path();
  if (ups.empty()) {
    LintRollbacks(source, downs, settings, history, report, parsed);
    SortFindings(report);
    return report;
  }
  // Up sections run in order; they are linted together when the tool wraps them alike.
  auto up = std::make_shared<rules::Catalog>();
  if (parts.alike) {
    report = rules::LintSource(
        parser::SourceText(source.path(), SectionsOnly(text, run, Direction::kUp)),
        ForSection(settings, ups[0]), history, up.get(), parsed);
    if (report.unreadable) return report;
  } else {
    const rules::Catalog* before = history;
    rules::Catalog current;
    for (const Section& section : ups) {
      rules::Catalog next;
      rules::FileReport part = rules::LintSource(
          parser::SourceText(source.path(), KeepOnly(text, section)),
          ForSection(settings, section), before, &next, parsed);
      if (part.unreadable) return part;
      Merge(report, std::move(part));
      current = std::move(next);
      before = &current;
    }
    *up = std::move(current);
  }
  if (after_up != nullptr) *after_up = *up;
  rules::Catalog deployed = *up;
  deployed.MarkAllReleased();
  rules::LintSettings rollback = settings;
  rollback.rollback_of = up;
  rollback.rollback = true;
  LintRollbacks(source, downs, rollback, &deployed, report, parsed);
  SortFindings(report);
  return report;
}

void NoteOptOuts(const parser::SourceText& source, const project::FileRun& run,
                 std::string_view tool, rules::FileReport& report) {
  for (const Section& section : run.sections) {
    if (section.opted_out.empty()) continue;
    const bool one_query = section.wrapping == rules::TransactionWrapping::kOneQuery;
    report.notes.push_back(
        source.path() + ":" + std::to_string(source.PositionOf(section.begin).line) + ": " +
        section.opted_out + ": " + std::string(tool) + " runs this " +
        (section.direction == Direction::kUp ? "migration" : "rollback") +
        " outside a transaction" +
        (one_query ? " (sent as one query: several statements still share an implicit one)"
                   : ""));
  }
}

}  // namespace pgshift::workspace
