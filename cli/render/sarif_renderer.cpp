// SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards. Held to the OASIS
// schema by tests/cli/sarif_schema_test.cpp.
#include <cctype>
#include <nlohmann/json.hpp>

#include "cli/render/json_stream.h"
#include "cli/render/renderer.h"
#include "cli/render/report_paths.h"
#include "rules/rule.h"

namespace pgshift::cli {
namespace {

std::string_view Level(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError:
      return "error";
    case rules::Severity::kWarning:
      return "warning";
    case rules::Severity::kInfo:
      return "note";
  }
  return "none";
}

constexpr const char* kRootId = "%SRCROOT%";

// A URI reference of a '/' separated path: every byte but the unreserved characters and '/'
// percent-encoded (RFC 3986), so that a space, `#`, `:` or a non-ASCII letter keeps it valid.
std::string PercentEncoded(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 && byte < 0x80) {
      out += c;
    } else if (c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// A file's artifactLocation: relative to %SRCROOT% when it is below the root, else an absolute
// file URI.
nlohmann::json ArtifactLocation(std::string_view path, const std::filesystem::path& root) {
  const std::string relative = RootRelative(path, root);
  if (!root.empty() && !relative.starts_with("/")) {
    return {{"uri", PercentEncoded(relative)}, {"uriBaseId", kRootId}};
  }
  if (relative.starts_with("/")) return {{"uri", "file://" + PercentEncoded(relative)}};
  return {{"uri", PercentEncoded(relative)}};
}

// "drop-table" -> "DropTable": SARIF's rule name, an identifier-like friendly name.
std::string RuleName(std::string_view id) {
  std::string out;
  bool upper = true;
  for (const char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

nlohmann::json Region(const parser::LineColumn& start, const parser::LineColumn& end) {
  return {{"startLine", start.line},
          {"startColumn", start.column},
          {"endLine", end.line},
          {"endColumn", end.column}};
}

// The exact rewrite of a finding as a SARIF fix: one replacement per edit, an insertion being an
// empty deleted region.
nlohmann::json Fix(const LintedFile& file, const rules::Finding& f, const nlohmann::json& location) {
  nlohmann::json replacements = nlohmann::json::array();
  for (const rules::Edit& edit : f.fix) {
    replacements.push_back(
        {{"deletedRegion", Region(file.source.PositionOf(edit.span.begin),
                                  file.source.PositionOf(edit.span.end))},
         {"insertedContent", {{"text", edit.replacement}}}});
  }
  return {{"description", {{"text", "pgshift lint --fix: the exact rewrite"}}},
          {"artifactChanges", nlohmann::json::array({nlohmann::json{
                                  {"artifactLocation", location}, {"replacements", replacements}}})}};
}

}  // namespace

void RenderSarif(const std::vector<LintedFile>& files, const RenderOptions& options,
                 std::ostream& out) {
  nlohmann::json descriptors = nlohmann::json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const rules::RuleDefinition& rule : rules::AllRules()) {
    rule_index[std::string(rule.doc->id)] = descriptors.size();
    descriptors.push_back({
        {"id", rule.doc->id},
        {"name", RuleName(rule.doc->id)},
        {"helpUri", RuleDocUrl(rule.doc->id)},
        {"shortDescription", {{"text", rule.doc->summary}}},
        {"fullDescription", {{"text", rule.doc->rationale}}},
        {"help",
         {{"text", std::string(rule.doc->rationale) + "\n\nInstead of:\n" +
                       std::string(rule.doc->bad) + "\n\nWrite:\n" + std::string(rule.doc->good)}}},
        {"defaultConfiguration", {{"level", Level(rule.doc->severity)}}},
    });
  }
  nlohmann::json notifications = nlohmann::json::array();
  for (const LintedFile& file : files) {
    if (file.report.unreadable) {
      notifications.push_back(
          {{"level", "error"},
           {"message", {{"text", *file.report.unreadable}}},
           {"locations",
            {{{"physicalLocation",
               {{"artifactLocation", ArtifactLocation(file.report.path, options.root)}}}}}}});
    }
  }
  // An input left unread is a run that did not do all it was asked.
  nlohmann::json invocation = {{"executionSuccessful", notifications.empty()}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  nlohmann::json bases = nlohmann::json::object();
  if (!options.root.empty()) {
    std::string root = std::filesystem::absolute(options.root).lexically_normal().generic_string();
    if (!root.ends_with("/")) root += '/';
    bases[kRootId] = {{"uri", "file://" + PercentEncoded(root)},
                      {"description", {{"text", "The repository root (git top level)"}}}};
  }
  nlohmann::json document = {
      {"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool",
          {{"driver",
            {{"name", "pgshift"}, {"version", PGSHIFT_VERSION}, {"rules", descriptors}}}}},
         {"invocations", {invocation}},
         {"columnKind", "unicodeCodePoints"},
         {"originalUriBaseIds", bases},
         {"results", kStreamedArray}}}},
  };
  if (bases.empty()) document["runs"][0].erase("originalUriBaseIds");
  WriteStreamedJson(out, document, [&](const auto& emit) {
    for (const LintedFile& file : files) {
      if (file.report.findings.empty()) continue;
      const nlohmann::json location = ArtifactLocation(file.report.path, options.root);
      for (const rules::Finding& f : file.report.findings) {
        nlohmann::json result = {
            {"ruleId", f.rule},
            {"level", Level(f.severity)},
            {"message",
             {{"text", f.message + (f.lock.empty() ? "" : " (" + f.lock + ")") +
                           (f.help.empty() ? "" : "\n" + f.help)}}},
            {"locations",
             {{{"physicalLocation",
                 {{"artifactLocation", location}, {"region", Region(f.start, f.end)}}}}}},
        };
        if (!f.fix.empty()) result["fixes"] = nlohmann::json::array({Fix(file, f, location)});
        if (const auto it = rule_index.find(f.rule); it != rule_index.end()) {
          result["ruleIndex"] = it->second;
        }
        emit(result);
      }
    }
  });
  out << '\n';
}

}  // namespace pgshift::cli
