// Output formats for lint results. One renderer per file; this header is their common entry.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "workspace/linted_file.h"

namespace pgshift::cli {

using workspace::LintedFile;

enum class Format { kText, kCompact, kJson, kSarif, kGithub, kGitlab };

struct RenderOptions {
  bool color = false;
  bool verbose = false;
  // What SARIF, GitHub and GitLab paths are relative to (report_paths.h); empty: the paths as
  // given.
  std::filesystem::path root;
};

struct Totals {
  std::size_t files = 0;
  std::size_t statements = 0;
  std::size_t unreadable = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t infos = 0;

  void Add(const LintedFile& file);
};
Totals CountTotals(const std::vector<LintedFile>& files);

std::optional<Format> ParseFormat(std::string_view name);

// Where a rule is documented: its section of docs/rules.md, at the release this binary is.
std::string RuleDocUrl(std::string_view rule);
// What RuleDocUrl puts before the rule's name.
std::string_view RuleDocBase();

void Render(Format format, const std::vector<LintedFile>& files, const RenderOptions& options,
            std::ostream& out);

// A report written file by file, in the files' order, so that a lint run need not keep every
// file until the end: text, compact and JSON, where a file's part needs nothing of the files
// after it but the totals, which come last.
class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  // The next file's part of the report.
  virtual void File(const LintedFile& file) = 0;
  // What follows the last file (totals, the unreadable inputs); once, after every File.
  virtual void Finish() = 0;
};
// The writer of `format`, or null for a format written from all the files at once (SARIF, GitHub
// and GitLab, which sort or group them).
std::unique_ptr<ReportWriter> MakeReportWriter(Format format, const RenderOptions& options,
                                               std::ostream& out);
std::unique_ptr<ReportWriter> MakeTextWriter(const RenderOptions& options, std::ostream& out);
std::unique_ptr<ReportWriter> MakeCompactWriter(std::ostream& out);
std::unique_ptr<ReportWriter> MakeJsonWriter(std::ostream& out);

void RenderSarif(const std::vector<LintedFile>& files, const RenderOptions& options,
                 std::ostream& out);
void RenderGithub(const std::vector<LintedFile>& files, const RenderOptions& options,
                  std::ostream& out);
void RenderGitlab(const std::vector<LintedFile>& files, const RenderOptions& options,
                  std::ostream& out);

}  // namespace pgshift::cli
