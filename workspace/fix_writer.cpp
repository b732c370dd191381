#include "workspace/fix_writer.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <system_error>

namespace pgshift::workspace {
namespace {

bool Overlap(const rules::Edit& a, const rules::Edit& b) {
  return a.span.begin < b.span.end && b.span.begin < a.span.end;
}

}  // namespace

FixOutcome ApplyFixes(std::string_view text, const std::vector<rules::Finding>& findings) {
  FixOutcome outcome;
  std::vector<rules::Edit> taken;
  for (const rules::Finding& finding : findings) {
    if (finding.fix.empty()) continue;
    const bool in_bounds =
        std::all_of(finding.fix.begin(), finding.fix.end(), [&](const rules::Edit& e) {
          return e.span.begin <= e.span.end && e.span.end <= text.size();
        });
    const bool clashes =
        std::any_of(finding.fix.begin(), finding.fix.end(), [&](const rules::Edit& e) {
          return std::any_of(taken.begin(), taken.end(),
                             [&](const rules::Edit& t) { return Overlap(e, t); });
        });
    if (!in_bounds || clashes) {
      ++outcome.skipped;
      continue;
    }
    taken.insert(taken.end(), finding.fix.begin(), finding.fix.end());
    ++outcome.applied;
  }
  // Insertions at one place keep the order of their findings.
  std::stable_sort(taken.begin(), taken.end(), [](const rules::Edit& a, const rules::Edit& b) {
    return a.span.begin < b.span.begin;
  });
  std::size_t at = 0;
  for (const rules::Edit& edit : taken) {
    outcome.text.append(text.substr(at, edit.span.begin - at));
    outcome.text.append(edit.replacement);
    at = edit.span.end;
  }
  outcome.text.append(text.substr(at));
  return outcome;
}

std::optional<std::string> WriteFileAtomically(const std::filesystem::path& path,
                                               std::string_view text) {
  const std::filesystem::path temporary =
      path.parent_path() /
      ("." + path.filename().string() + ".pgshift-fix-" + std::to_string(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      return "cannot write " + temporary.string();
    }
  }
  std::error_code error;
  // Keep the file's permissions.
  const auto permissions = std::filesystem::status(path, error).permissions();
  if (!error) std::filesystem::permissions(temporary, permissions, error);
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return "cannot replace " + path.string() + ": " + error.message();
  }
  return std::nullopt;
}

}  // namespace pgshift::workspace
