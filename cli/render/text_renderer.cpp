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
    case rules::Severity::kError: return "1;31";
    case rules::Severity::kWarning: return "1;33";
    case rules::Severity::kInfo: return "1;34";
  }
  return "0";
}

// Columns count code points; the caret line needs the display width of the line up to them.
std::size_t ByteAtColumn(std::string_view line, int column) {
  return parser::ByteOffsetOfCodePoint(line, static_cast<std::size_t>(std::max(column - 1, 0)));
}

void Indented(std::ostream& out, const std::string& gutter, std::string_view label,
              std::string_view text, const Palette& p) {
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out << gutter << (first ? p.Wrap("1", std::string("= ") + std::string(label) + ": ")
                            : std::string(label.size() + 4, ' '))
        << text.substr(start, end - start) << '\n';
    first = false;
    start = end + 1;
  }
}

void RenderFinding(const LintedFile& file, const rules::Finding& f, const Palette& p,
                   std::ostream& out) {
  out << p.Wrap("1", f.file + ":" + std::to_string(f.start.line) + ":" + std::to_string(f.start.column) + ":")
      << ' ' << p.Wrap(SeverityColour(f.severity), std::string(rules::SeverityName(f.severity)))
      << p.Wrap("1", "[" + f.rule + "]") << ' ' << f.message << '\n';

  const std::string number = std::to_string(f.start.line);
  const std::string gutter(number.size() + 2, ' ');
  const std::string_view line = file.source.Line(f.start.line);
  const std::size_t from = ByteAtColumn(line, f.start.column);
  const std::size_t to = f.end.line == f.start.line ? ByteAtColumn(line, f.end.column) : line.size();
  std::size_t width = 0;
  for (const char c : line.substr(from, to > from ? to - from : 0)) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  std::string pad;  // keeps tabs so the carets line up under the text
  for (const char c : line.substr(0, from)) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) pad += (c == '\t' ? '\t' : ' ');
  }
  out << gutter << p.Wrap("1;34", "|") << '\n';
  out << ' ' << p.Wrap("1;34", number + " |") << ' ' << line << '\n';
  out << gutter << p.Wrap("1;34", "|") << ' ' << pad
      << p.Wrap(SeverityColour(f.severity), std::string(std::max<std::size_t>(width, 1), '^'));
  if (f.end.line > f.start.line) out << " ... (to line " << f.end.line << ")";
  out << '\n';
  if (!f.lock.empty()) Indented(out, gutter, "lock", f.lock, p);
  if (!f.help.empty()) Indented(out, gutter, "help", f.help, p);
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
  out << (found == 0 ? p.Wrap("1;32", "No findings") : "Found " + Plural(t.errors, "error") + ", " +
                                                           Plural(t.warnings, "warning") + ", " +
                                                           Plural(t.infos, "info"))
      << " in " << Plural(t.files, "file") << " (" << Plural(t.statements, "statement") << ")";
  if (t.unreadable > 0) out << "; " << Plural(t.unreadable, "file") << " could not be read";
  out << ".\n";
}

}  // namespace pgshift::cli
