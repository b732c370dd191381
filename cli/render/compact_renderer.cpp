// One line a finding, `file:line:col: severity[rule] message`: for editors' error parsers, grep
// and terminals too narrow for snippets.
#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

// A line break inside a message would read as a second finding.
std::string OneLine(std::string_view text) {
  std::string out;
  for (const char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

}  // namespace

void RenderCompact(const std::vector<LintedFile>& files, std::ostream& out) {
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      out << OneLine(file.report.path) << ":1:1: error[unreadable] "
          << OneLine(*file.report.unreadable) << '\n';
      continue;
    }
    for (const rules::Finding& f : file.report.findings) {
      out << OneLine(f.file) << ':' << f.start.line << ':' << f.start.column << ": "
          << rules::SeverityName(f.severity) << '[' << f.rule << "] " << OneLine(f.message) << '\n';
    }
  }
}

}  // namespace pgshift::cli
