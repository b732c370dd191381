// SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.
#include <nlohmann/json.hpp>

#include "cli/render/renderer.h"
#include "rules/rule.h"

namespace pgshift::cli {
namespace {

std::string_view Level(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError: return "error";
    case rules::Severity::kWarning: return "warning";
    case rules::Severity::kInfo: return "note";
  }
  return "none";
}

}  // namespace

void RenderSarif(const std::vector<LintedFile>& files, std::ostream& out) {
  nlohmann::json descriptors = nlohmann::json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const rules::RuleDefinition& rule : rules::AllRules()) {
    rule_index[std::string(rule.doc->id)] = descriptors.size();
    descriptors.push_back({
        {"id", rule.doc->id},
        {"shortDescription", {{"text", rule.doc->summary}}},
        {"fullDescription", {{"text", rule.doc->rationale}}},
        {"help", {{"text", std::string(rule.doc->rationale) + "\n\nInstead of:\n" +
                               std::string(rule.doc->bad) + "\n\nWrite:\n" +
                               std::string(rule.doc->good)}}},
        {"defaultConfiguration", {{"level", Level(rule.doc->severity)}}},
    });
  }
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json notifications = nlohmann::json::array();
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      notifications.push_back({{"level", "error"},
                               {"message", {{"text", *file.report.unreadable}}},
                               {"locations",
                                {{{"physicalLocation",
                                   {{"artifactLocation", {{"uri", file.report.path}}}}}}}}});
    }
    for (const rules::Finding& f : file.report.findings) {
      nlohmann::json result = {
          {"ruleId", f.rule},
          {"level", Level(f.severity)},
          {"message", {{"text", f.message + (f.lock.empty() ? "" : " (" + f.lock + ")") +
                                    (f.help.empty() ? "" : "\n" + f.help)}}},
          {"locations",
           {{{"physicalLocation",
              {{"artifactLocation", {{"uri", f.file}}},
               {"region",
                {{"startLine", f.start.line},
                 {"startColumn", f.start.column},
                 {"endLine", f.end.line},
                 {"endColumn", f.end.column}}}}}}}},
      };
      if (const auto it = rule_index.find(f.rule); it != rule_index.end()) {
        result["ruleIndex"] = it->second;
      }
      results.push_back(std::move(result));
    }
  }
  nlohmann::json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;
  const nlohmann::json document = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "pgshift"}, {"version", PGSHIFT_VERSION}, {"rules", descriptors}}}}},
         {"invocations", {invocation}},
         {"columnKind", "unicodeCodePoints"},
         {"results", results}}}},
  };
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace pgshift::cli
