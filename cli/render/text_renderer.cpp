// The human format: an annotated source snippet per finding, in the style of compilers.
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "cli/render/output_buffer.h"
#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

// Text of the report, with colours when they are on, appended to a string.
class Text {
 public:
  Text(std::string& buffer, bool colour) : buffer_(buffer), colour_(colour) {}

  Text& operator<<(std::string_view text) {
    buffer_ += text;
    return *this;
  }
  Text& operator<<(char c) {
    buffer_ += c;
    return *this;
  }
  Text& operator<<(std::size_t n) { return Decimal(n); }
  Text& operator<<(int n) { return Decimal(n); }
  Text& Repeat(std::size_t count, char c) {
    buffer_.append(count, c);
    return *this;
  }
  // What comes between Open(code) and Close() is in that colour, when colours are on.
  Text& Open(std::string_view code) {
    if (colour_) buffer_.append("\x1b[").append(code).append("m");
    return *this;
  }
  Text& Close() {
    if (colour_) buffer_ += "\x1b[0m";
    return *this;
  }
  Text& Wrap(std::string_view code, std::string_view text) {
    Open(code) << text;
    return Close();
  }

 private:
  template <typename Number>
  Text& Decimal(Number n) {
    char digits[24];
    buffer_.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
    return *this;
  }

  std::string& buffer_;
  bool colour_;
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

void Indented(Text& out, std::size_t gutter, std::string_view label, std::string_view text) {
  std::size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.Repeat(gutter, ' ');
    if (first) {
      out.Open("1") << "= " << label << ": ";
      out.Close();
    } else {
      out.Repeat(label.size() + 4, ' ');
    }
    out << text.substr(start, end - start) << '\n';
    first = false;
    start = end + 1;
  }
}

void RenderFinding(const LintedFile& file, const rules::Finding& f, Text& out) {
  out.Open("1") << std::string_view(f.file) << ':' << f.start.line << ':' << f.start.column << ':';
  out.Close() << ' ';
  out.Wrap(SeverityColour(f.severity), rules::SeverityName(f.severity));
  out.Open("1") << '[' << std::string_view(f.rule) << ']';
  out.Close() << ' ' << std::string_view(f.message) << '\n';

  char digits[16];
  const std::string_view number(digits,
                                std::to_chars(digits, digits + sizeof digits, f.start.line).ptr);
  const std::size_t gutter = number.size() + 2;
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
  out.Repeat(gutter, ' ').Wrap("1;34", "|") << '\n';
  out << ' ';
  out.Open("1;34") << number << " |";
  out.Close() << ' ' << (snippet.cut_before ? "..." : "") << line
              << (snippet.cut_after ? "..." : "") << '\n';
  out.Repeat(gutter, ' ').Wrap("1;34", "|") << ' ';
  // Keeps tabs so the carets line up.
  if (snippet.cut_before) out.Repeat(3, ' ');
  for (const char c : line.substr(0, from)) {
    if (!IsContinuation(c)) out << (c == '\t' ? '\t' : ' ');
  }
  out.Open(SeverityColour(f.severity)).Repeat(std::max<std::size_t>(width, 1), '^').Close();
  if (f.end.line > f.start.line) out << " ... (to line " << f.end.line << ")";
  out << '\n';
  if (!f.lock.empty()) Indented(out, gutter, "lock", f.lock);
  if (!f.help.empty()) Indented(out, gutter, "help", f.help);
  out.Repeat(gutter, ' ');
  out.Open("1") << "= docs: ";
  out.Close() << RuleDocBase() << std::string_view(f.rule) << '\n';
  out << '\n';
}

void Plural(Text& out, std::size_t n, std::string_view word) {
  out << n << ' ' << word << (n == 1 ? "" : "s");
}

class TextWriter : public ReportWriter {
 public:
  TextWriter(const RenderOptions& options, std::ostream& stream)
      : out_(stream), colour_(options.color), verbose_(options.verbose) {}

  std::string Part(const LintedFile& file) const override {
    std::string part;
    Text out(part, colour_);
    if (verbose_) {
      for (const std::string& note : file.report.notes) {
        out.Open("2") << "note: " << std::string_view(note);
        out.Close() << '\n';
      }
    }
    if (file.report.unreadable) {
      out.Wrap("1", *file.report.unreadable) << " (file not checked)\n\n";
      return part;
    }
    for (const rules::Finding& finding : file.report.findings) RenderFinding(file, finding, out);
    return part;
  }
  void Write(const FileFacts& facts, std::string_view part) override {
    totals_.Add(facts.totals);
    out_.text() += part;
    out_.Spill();
  }
  void Finish() override;

 private:
  OutputBuffer out_;
  bool colour_;
  bool verbose_;
  Totals totals_;
};

void TextWriter::Finish() {
  Text out(out_.text(), colour_);
  const Totals& t = totals_;
  const std::size_t found = t.errors + t.warnings + t.infos;
  if (found == 0) {
    out.Wrap("1;32", "No findings");
  } else {
    out << "Found ";
    Plural(out, t.errors, "error");
    out << ", ";
    Plural(out, t.warnings, "warning");
    out << ", ";
    Plural(out, t.infos, "info");
  }
  out << " in ";
  Plural(out, t.files, "file");
  out << " (";
  Plural(out, t.statements, "statement");
  out << ")";
  if (t.unreadable > 0) {
    out << "; ";
    Plural(out, t.unreadable, "file");
    out << " could not be read";
  }
  out << ".\n";
  out_.Flush();
}

}  // namespace

std::unique_ptr<ReportWriter> MakeTextWriter(const RenderOptions& options, std::ostream& out) {
  return std::make_unique<TextWriter>(options, out);
}

}  // namespace pgshift::cli
