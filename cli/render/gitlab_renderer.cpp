// GitLab code quality report (a JSON array), shown on merge requests.
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/render/renderer.h"

namespace pgshift::cli {
namespace {

std::string_view GitlabSeverity(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError: return "critical";
    case rules::Severity::kWarning: return "major";
    case rules::Severity::kInfo: return "info";
  }
  return "info";
}

// A stable fingerprint (FNV-1a, 64 bits): GitLab matches findings across pipelines by it, so it
// must not depend on the platform's std::hash.
std::string Fingerprint(const rules::Finding& f) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const std::string key = f.rule + '\0' + f.file + '\0' + std::to_string(f.start.line) + '\0' +
                          std::to_string(f.start.column) + '\0' + f.message;
  for (const char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

void RenderGitlab(const std::vector<LintedFile>& files, std::ostream& out) {
  nlohmann::json issues = nlohmann::json::array();
  for (const LintedFile& file : files) {
    for (const rules::Finding& f : file.report.findings) {
      issues.push_back({
          {"description", f.message},
          {"check_name", f.rule},
          {"fingerprint", Fingerprint(f)},
          {"severity", GitlabSeverity(f.severity)},
          {"location", {{"path", f.file}, {"lines", {{"begin", f.start.line}, {"end", f.end.line}}}}},
      });
    }
  }
  out << issues.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace pgshift::cli
