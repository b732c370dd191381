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

class CompactWriter : public ReportWriter {
 public:
  explicit CompactWriter(std::ostream& out) : out_(out) {}

  void File(const LintedFile& file) override {
    if (file.report.unreadable) {
      out_ << OneLine(file.report.path) << ":1:1: error[unreadable] "
           << OneLine(*file.report.unreadable) << '\n';
      return;
    }
    for (const rules::Finding& f : file.report.findings) {
      out_ << OneLine(f.file) << ':' << f.start.line << ':' << f.start.column << ": "
           << rules::SeverityName(f.severity) << '[' << f.rule << "] " << OneLine(f.message) << '\n';
    }
  }
  void Finish() override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeCompactWriter(std::ostream& out) {
  return std::make_unique<CompactWriter>(out);
}

}  // namespace pgshift::cli
