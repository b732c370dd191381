#include "cli/render/renderer.h"

namespace pgshift::cli {

void Totals::Add(const LintedFile& file) {
  ++files;
  statements += file.report.statements;
  if (file.report.unreadable) ++unreadable;
  for (const rules::Finding& finding : file.report.findings) {
    switch (finding.severity) {
      case rules::Severity::kError:
        ++errors;
        break;
      case rules::Severity::kWarning:
        ++warnings;
        break;
      case rules::Severity::kInfo:
        ++infos;
        break;
    }
  }
}

void Totals::Add(const Totals& other) {
  files += other.files;
  statements += other.statements;
  unreadable += other.unreadable;
  errors += other.errors;
  warnings += other.warnings;
  infos += other.infos;
}

FileFacts FileFacts::Of(const LintedFile& file) {
  FileFacts facts;
  facts.totals.Add(file);
  facts.path = file.report.path;
  facts.unreadable = file.report.unreadable;
  for (const rules::Finding& finding : file.report.findings) {
    if (!facts.worst || finding.severity > *facts.worst) facts.worst = finding.severity;
  }
  return facts;
}

Totals CountTotals(const std::vector<LintedFile>& files) {
  Totals totals;
  for (const LintedFile& file : files) totals.Add(file);
  return totals;
}

std::string_view RuleDocBase() {
  // docs/rules.md gives each rule a `## rule-id` heading, which is its anchor.
  return "https://github.com/pgshift/pgshift/blob/v" PGSHIFT_VERSION "/docs/rules.md#";
}

std::string RuleDocUrl(std::string_view rule) {
  std::string url(RuleDocBase());
  url += rule;
  return url;
}

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "compact") return Format::kCompact;
  if (name == "json") return Format::kJson;
  if (name == "sarif") return Format::kSarif;
  if (name == "github") return Format::kGithub;
  if (name == "gitlab") return Format::kGitlab;
  return std::nullopt;
}

std::unique_ptr<ReportWriter> MakeReportWriter(Format format, const RenderOptions& options,
                                               std::ostream& out) {
  switch (format) {
    case Format::kText:
      return MakeTextWriter(options, out);
    case Format::kCompact:
      return MakeCompactWriter(out);
    case Format::kJson:
      return MakeJsonWriter(out);
    case Format::kSarif:
    case Format::kGithub:
    case Format::kGitlab:
      return nullptr;
  }
  return nullptr;
}

void Render(Format format, const std::vector<LintedFile>& files, const RenderOptions& options,
            std::ostream& out) {
  if (auto writer = MakeReportWriter(format, options, out)) {
    for (const LintedFile& file : files) writer->File(file);
    return writer->Finish();
  }
  switch (format) {
    case Format::kText:
    case Format::kCompact:
    case Format::kJson:
      return;  // written above
    case Format::kSarif:
      return RenderSarif(files, options, out);
    case Format::kGithub:
      return RenderGithub(files, options, out);
    case Format::kGitlab:
      return RenderGitlab(files, options, out);
  }
}

}  // namespace pgshift::cli
