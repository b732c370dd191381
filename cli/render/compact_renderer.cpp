// One line a finding, `file:line:col: severity[rule] message`: for editors' error parsers, grep
// and terminals too narrow for snippets.
#include <string>

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

  std::string Part(const LintedFile& file) const override {
    std::string part;
    if (file.report.unreadable) {
      part.append(OneLine(file.report.path)).append(":1:1: error[unreadable] ");
      part.append(OneLine(*file.report.unreadable)).append("\n");
      return part;
    }
    for (const rules::Finding& f : file.report.findings) {
      part.append(OneLine(f.file)).append(":").append(std::to_string(f.start.line));
      part.append(":").append(std::to_string(f.start.column)).append(": ");
      part.append(rules::SeverityName(f.severity)).append("[").append(f.rule).append("] ");
      part.append(OneLine(f.message)).append("\n");
    }
    return part;
  }
  void Write(const FileFacts&, std::string_view part) override {
    out_.write(part.data(), static_cast<std::streamsize>(part.size()));
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
