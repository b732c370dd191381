// The human format: an annotated source snippet per finding, in the style of compilers.
#include <algorithm>
#include <string>

#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

struct Palette {
  bool on;
  std::string Wrap(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
};

std::string_view SeverityColour(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError:
      return "1;31";
    case rules::Severity::kWarning:
      return "1;33";
    case rules::Severity::kInfo:
      return "1;34";
  }
  return "0";
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The part of a finding's line to show, from its text rather than its line number: at most
// kBefore bytes before the finding and kAfter bytes from it, so that findings on a 100 MB line
// print readable snippets (and each in constant time).
struct Snippet {
  std::string_view text;
  bool cut_before = false, cut_after = false;
  std::size_t finding = 0;  // where the finding starts in `text`
};

Snippet SnippetAt(std::string_view source, std::size_t offset) {
  constexpr std::size_t kBefore = 100, kAfter = 200;
  offset = std::min(offset, source.size());
  std::size_t begin = offset;
  while (begin > 0 && source[begin - 1] != '\n' && offset - begin < kBefore) --begin;
  while (begin < offset && IsContinuation(source[begin])) ++begin;  // whole code points only
  std::size_t end = offset;
  while (end < source.size() && source[end] != '\n' && end - offset < kAfter) ++end;
  while (end < source.size() && end > offset && IsContinuation(source[end])) --end;
  Snippet snippet;
  snippet.cut_before = begin > 0 && source[begin - 1] != '\n';
  snippet.cut_after = end < source.size() && source[end] != '\n';
  if (!snippet.cut_after && end > begin && source[end - 1] == '\r') --end;
  snippet.text = source.substr(begin, end - begin);
  snippet.finding = offset - begin;
  return snippet;
}

void Indented(std::ostream& out, const std::string& gutter, std::string_view label,
              std::string_view text, const Palette& p) {
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out << gutter
        << (first ? p.Wrap("1", std::string("= ") + std::string(label) + ": ")
                  : std::string(label.size() + 4, ' '))
        << text.substr(start, end - start) << '\n';
    first = false;
    start = end + 1;
  }
}

void RenderFinding(const LintedFile& file, const rules::Finding& f, const Palette& p,
                   std::ostream& out) {
  out << p.Wrap("1", f.file + ":" + std::to_string(f.start.line) + ":" +
                         std::to_string(f.start.column) + ":")
      << ' ' << p.Wrap(SeverityColour(f.severity), std::string(rules::SeverityName(f.severity)))
      << p.Wrap("1", "[" + f.rule + "]") << ' ' << f.message << '\n';

  const std::string number = std::to_string(f.start.line);
  const std::string gutter(number.size() + 2, ' ');
  const Snippet snippet = SnippetAt(file.source.text(), f.span.begin);
  const std::string_view line = snippet.text;
  const std::size_t from = std::min(snippet.finding, line.size());
  const std::size_t to = f.end.line == f.start.line
                             ? std::min(from + (f.span.end - f.span.begin), line.size())
                             : line.size();
  std::size_t width = 0;
  for (const char c : line.substr(from, to > from ? to - from : 0)) {
    if (!IsContinuation(c)) ++width;
  }
  std::string pad(snippet.cut_before ? 3 : 0, ' ');  // keeps tabs so the carets line up
  for (const char c : line.substr(0, from)) {
    if (!IsContinuation(c)) pad += (c == '\t' ? '\t' : ' ');
  }
  out << gutter << p.Wrap("1;34", "|") << '\n';
  out << ' ' << p.Wrap("1;34", number + " |") << ' ' << (snippet.cut_before ? "..." : "") << line
      << (snippet.cut_after ? "..." : "") << '\n';
  out << gutter << p.Wrap("1;34", "|") << ' ' << pad
      << p.Wrap(SeverityColour(f.severity), std::string(std::max<std::size_t>(width, 1), '^'));
  if (f.end.line > f.start.line) out << " ... (to line " << f.end.line << ")";
  out << '\n';
  if (!f.lock.empty()) Indented(out, gutter, "lock", f.lock, p);
  if (!f.help.empty()) Indented(out, gutter, "help", f.help, p);
  Indented(out, gutter, "docs", RuleDocUrl(f.rule), p);
  out << '\n';
}

std::string Plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

}  // namespace

void RenderText(const std::vector<LintedFile>& files, const RenderOptions& options,
                std::ostream& out) {
  const Palette p{options.color};
  for (const LintedFile& file : files) {
    if (options.verbose) {
      for (const std::string& note : file.report.notes) out << p.Wrap("2", "note: " + note) << '\n';
    }
    if (file.report.unreadable) {
      out << p.Wrap("1", *file.report.unreadable) << " (file not checked)\n\n";
      continue;
    }
    for (const rules::Finding& finding : file.report.findings) RenderFinding(file, finding, p, out);
  }
  const Totals t = CountTotals(files);
  const std::size_t found = t.errors + t.warnings + t.infos;
  out << (found == 0 ? p.Wrap("1;32", "No findings")
                     : "Found " + Plural(t.errors, "error") + ", " + Plural(t.warnings, "warning") +
                           ", " + Plural(t.infos, "info"))
      << " in " << Plural(t.files, "file") << " (" << Plural(t.statements, "statement") << ")";
  if (t.unreadable > 0) out << "; " << Plural(t.unreadable, "file") << " could not be read";
  out << ".\n";
}

}  // namespace pgshift::cli
