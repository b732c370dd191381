// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
#include "cli/render/renderer.h"
#include "cli/render/report_paths.h"

namespace pgshift::cli {
namespace {

// Escaping as the runner expects: data escapes % CR LF; properties also : and ,.
std::string EscapeData(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string EscapeProperty(std::string_view text) {
  std::string out;
  for (const char c : EscapeData(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string_view Command(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::kError:
      return "error";
    case rules::Severity::kWarning:
      return "warning";
    case rules::Severity::kInfo:
      return "notice";
  }
  return "notice";
}

}  // namespace

void RenderGithub(const std::vector<LintedFile>& files, const RenderOptions& options,
                  std::ostream& out) {
  for (const LintedFile& file : files) {
    // GitHub places an annotation by its path from the repository's root, however it was typed.
    const std::string path = RootRelative(file.report.path, options.root);
    if (file.report.unreadable) {
      out << "::error file=" << EscapeProperty(path)
          << ",title=pgshift::" << EscapeData(*file.report.unreadable) << '\n';
    }
    for (const rules::Finding& f : file.report.findings) {
      std::string body = f.message;
      if (!f.lock.empty()) body += "\nLock: " + f.lock;
      if (!f.help.empty()) body += "\n" + f.help;
      // GitHub takes columns only for an annotation on one line.
      const bool one_line = f.end.line == f.start.line;
      out << "::" << Command(f.severity) << " file=" << EscapeProperty(path)
          << ",line=" << f.start.line;
      if (one_line) out << ",col=" << f.start.column;
      out << ",endLine=" << f.end.line;
      if (one_line) out << ",endColumn=" << f.end.column;
      out << ",title=" << EscapeProperty("pgshift " + f.rule) << "::" << EscapeData(body) << '\n';
    }
  }
}

}  // namespace pgshift::cli
