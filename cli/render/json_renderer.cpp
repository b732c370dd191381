// The machine format; its schema is documented in docs/json-output.md and kept stable.
#include <nlohmann/json.hpp>

#include "cli/render/json_stream.h"
#include "cli/render/renderer.h"

namespace pgshift::cli {

void RenderJson(const std::vector<LintedFile>& files, std::ostream& out) {
  nlohmann::json unreadable = nlohmann::json::array();
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      unreadable.push_back({{"file", file.report.path}, {"message", *file.report.unreadable}});
    }
  }
  const Totals t = CountTotals(files);
  const nlohmann::json document = {
      {"version", 1},
      {"findings", kStreamedArray},
      {"unreadable", std::move(unreadable)},
      {"summary",
       {{"files", t.files},
        {"statements", t.statements},
        {"errors", t.errors},
        {"warnings", t.warnings},
        {"infos", t.infos},
        {"unreadable", t.unreadable}}},
  };
  WriteStreamedJson(out, document, [&](const auto& emit) {
    for (const LintedFile& file : files) {
      for (const rules::Finding& f : file.report.findings) {
        nlohmann::json fix = nlohmann::json::array();
        for (const rules::Edit& edit : f.fix) {
          fix.push_back({{"begin", edit.span.begin},
                         {"end", edit.span.end},
                         {"replacement", edit.replacement}});
        }
        emit({
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
            {"fix", std::move(fix)},
        });
      }
    }
  });
  out << '\n';
}

}  // namespace pgshift::cli
