// The machine format; its schema is documented in docs/json-output.md and kept stable.
#include <nlohmann/json.hpp>

#include <utility>

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
      });
    }
  }
  const Totals t = CountTotals(files);
  // Moved in: a copy of the findings would double the memory of a large run.
  const nlohmann::json document = {
      {"version", 1},
      {"findings", std::move(findings)},
      {"unreadable", std::move(unreadable)},
      {"summary",
       {{"files", t.files},
        {"statements", t.statements},
        {"errors", t.errors},
        {"warnings", t.warnings},
        {"infos", t.infos},
        {"unreadable", t.unreadable}}},
  };
  // A path that is not UTF-8 cannot be printed as JSON: its bad bytes become U+FFFD.
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace pgshift::cli
