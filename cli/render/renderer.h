// Output formats for lint results. One renderer per file; this header is their common entry.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "parser/source_text.h"
#include "rules/engine.h"

namespace pgshift::cli {

struct LintedFile {
  parser::SourceText source;
  rules::FileReport report;
};

enum class Format { kText, kJson, kSarif, kGithub, kGitlab };

struct RenderOptions {
  bool color = false;
  bool verbose = false;
};

struct Totals {
  std::size_t files = 0;
  std::size_t statements = 0;
  std::size_t unreadable = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t infos = 0;
};
Totals CountTotals(const std::vector<LintedFile>& files);

std::optional<Format> ParseFormat(std::string_view name);
void Render(Format format, const std::vector<LintedFile>& files, const RenderOptions& options,
            std::ostream& out);

void RenderText(const std::vector<LintedFile>& files, const RenderOptions& options, std::ostream& out);
void RenderJson(const std::vector<LintedFile>& files, std::ostream& out);
void RenderSarif(const std::vector<LintedFile>& files, std::ostream& out);
void RenderGithub(const std::vector<LintedFile>& files, std::ostream& out);
void RenderGitlab(const std::vector<LintedFile>& files, std::ostream& out);

}  // namespace pgshift::cli
