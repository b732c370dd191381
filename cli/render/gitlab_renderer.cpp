// GitLab code quality report (a JSON array), shown on merge requests.
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "workspace/baseline.h"
#include "cli/render/json_stream.h"
#include "cli/render/renderer.h"
#include "cli/render/report_paths.h"

namespace pgshift::cli {
namespace {

std::string_view GitlabSeverity(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError:
      return "critical";
    case rules::Severity::kWarning:
      return "major";
    case rules::Severity::kInfo:
      return "info";
  }
  return "info";
}

// A stable fingerprint (FNV-1a, 64 bits; not the platform's std::hash): GitLab matches findings
// across pipelines by it. Made of what survives unrelated edits: the repository-relative path,
// the rule, the statement's text (comments and whitespace aside) and which of that statement's
// findings of the rule it is; not the line, so that lines added above do not make it new.
std::string Fingerprint(std::string_view path, std::string_view rule, std::string_view statement,
                        std::size_t occurrence) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const std::string key = std::string(path) + '\0' + std::string(rule) + '\0' +
                          std::string(statement) + '\0' + std::to_string(occurrence);
  for (const char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

void RenderGitlab(const std::vector<LintedFile>& files, const RenderOptions& options,
                  std::ostream& out) {
  WriteStreamedJson(out, kStreamedArray, [&](const auto& emit) {
    for (const LintedFile& file : files) {
      if (file.report.findings.empty()) continue;
      const std::string path = RootRelative(file.report.path, options.root);
      const parser::SplitResult split = parser::SplitStatements(file.source.text());
      std::map<std::pair<std::string, std::string>, std::size_t> seen;  // rule, statement
      for (const rules::Finding& f : file.report.findings) {
        const std::string statement = workspace::FingerprintIn(file.source.text(), split, f.span);
        const std::size_t occurrence = seen[{f.rule, statement}]++;
        emit({
            {"description", f.message},
            {"check_name", f.rule},
            {"fingerprint", Fingerprint(path, f.rule, statement, occurrence)},
            {"severity", GitlabSeverity(f.severity)},
            {"location",
             {{"path", path}, {"lines", {{"begin", f.start.line}, {"end", f.end.line}}}}},
        });
      }
    }
  });
  out << '\n';
}

}  // namespace pgshift::cli
