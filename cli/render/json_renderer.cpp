// The machine format; its schema is documented in docs/json-output.md and kept stable.
#include <nlohmann/json.hpp>

#include "cli/render/renderer.h"

namespace pgshift::cli {

void RenderJson(const std::vector<LintedFile>& files, std::ostream& out) {
  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json unreadable = nlohmann::json::array();
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      unreadable.push_back({{"file", file.report.path}, {"message", *file.report.unreadable}});
    }
    for (const rules::Finding& f : file.report.findings) {
      nlohmann::json fix = nlohmann::json::array();
      for (const rules::Edit& edit : f.fix) {
        fix.push_back({{"begin", edit.span.begin}, {"end", edit.span.end}, {"replacement", edit.replacement}});
      }
      findings.push_back({
          {"rule", f.rule},
          {"severity", rules::SeverityName(f.severity)},
          {"message", f.message},
          {"help", f.help},
          {"lock", f.lock},
          {"file", f.file},
          {"line", f.start.line},
          {"column", f.start.column},
          {"end_line", f.end.line},
          {"end_column", f.end.column},
          {"fix", fix},
      });
    }
  }
  const Totals t = CountTotals(files);
  const nlohmann::json document = {
      {"version", 1},
      {"findings", findings},
      {"unreadable", unreadable},
      {"summary",
       {{"files", t.files},
        {"statements", t.statements},
        {"errors", t.errors},
        {"warnings", t.warnings},
        {"infos", t.infos},
        {"unreadable", t.unreadable}}},
  };
  out << document.dump(2) << '\n';
}

}  // namespace pgshift::cli
