// Output formats for lint results. One renderer per file; this header is their common entry.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
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
  void Add(const Totals& other);
};
Totals CountTotals(const std::vector<LintedFile>& files);

std::optional<Format> ParseFormat(std::string_view name);

// Where a rule is documented: its section of docs/rules.md, at the release this binary is.
std::string RuleDocUrl(std::string_view rule);
// What RuleDocUrl puts before the rule's name.
std::string_view RuleDocBase();

void Render(Format format, const std::vector<LintedFile>& files, const RenderOptions& options,
            std::ostream& out);

// What a report and the run's exit code need of a file besides its part of the report.
struct FileFacts {
  Totals totals;  // of this file alone
  std::string path;
  std::optional<std::string> unreadable;  // why it could not be read
  std::optional<rules::Severity> worst;   // the most severe of its findings

  static FileFacts Of(const LintedFile& file);
};

// A report written file by file, in the files' order, so that a lint run need not keep every
// file until the end: text, compact and JSON, where a file's part needs nothing of the files
// after it but the totals, which come last. A file's part is made apart from its writing, so that
// it can be made by the thread that finished the file, before the files before it are done
// (report_sink.h).
class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  // A file's part of the report: on any thread, for files in any order.
  virtual std::string Part(const LintedFile& file) const = 0;
  // Writes the next file's part.
  virtual void Write(const FileFacts& facts, std::string_view part) = 0;
  // The next file's part, made and written.
  void File(const LintedFile& file) { Write(FileFacts::Of(file), Part(file)); }
  // What follows the last file (totals, the unreadable inputs); once, after every file.
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
