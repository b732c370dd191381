#include "project/tool_helpers.h"

#include <algorithm>
#include <numeric>

#include "rules/history/migration_order.h"

namespace pgshift::project {

std::vector<std::string> ListFlat(const std::string& root, const FileSource& source) {
  std::vector<std::string> files;
  for (const DirectoryEntry& entry : source.List(root)) {
    if (entry.name.starts_with(".")) continue;
    if (!entry.is_directory) {
      if (entry.name.ends_with(".sql")) files.push_back(JoinPath(root, entry.name));
      continue;
    }
    if (!rules::IsMigrationFolder(entry.name)) continue;
    const std::string folder = JoinPath(root, entry.name);
    for (const DirectoryEntry& inner : source.List(folder)) {
      if (!inner.is_directory && inner.name.ends_with(".sql")) {
        files.push_back(JoinPath(folder, inner.name));
      }
    }
  }
  // Listings come sorted, so files alone are in order already: checking is cheaper than sorting.
  if (!std::is_sorted(files.begin(), files.end())) std::sort(files.begin(), files.end());
  return files;
}

std::vector<Line> Lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({begin, line});
    begin = end + 1;
  }
  return lines;
}

std::string_view TrimSpace(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

bool EqualsLowercase(std::string_view text, std::string_view lowercase) {
  if (text.size() != lowercase.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c =
        text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != lowercase[i]) return false;
  }
  return true;
}

bool AnyFileHasLine(const std::vector<std::string>& files, const FileSource& source,
                    const std::function<bool(std::string_view line)>& test, std::string* which) {
  std::size_t read = 0;
  for (const std::string& file : files) {
    if (!file.ends_with(".sql")) continue;
    if (read++ == kFilesToSniff) break;
    const std::optional<std::string> text = source.Read(file, kHeadBytes);
    if (!text) continue;
    // Line by line as Lines() splits them, without holding them all.
    const std::string_view head = *text;
    for (std::size_t begin = 0; begin < head.size();) {
      std::size_t end = head.find('\n', begin);
      if (end == std::string_view::npos) end = head.size();
      std::string_view line = head.substr(begin, end - begin);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      begin = end + 1;
      if (!test(line)) continue;
      if (which != nullptr) *which = std::string(BaseName(file));
      return true;
    }
  }
  return false;
}

std::optional<std::string> RecogniseByLine(const std::vector<std::string>& files,
                                           const FileSource& source,
                                           const std::function<bool(std::string_view line)>& test,
                                           std::string reason) {
  if (!AnyFileHasLine(files, source, test)) return std::nullopt;
  return reason;
}

std::optional<std::string> FindUpward(const std::string& directory, std::string_view name,
                                      const FileSource& source, int levels) {
  std::string dir = directory;
  for (int level = 0; level <= levels && !dir.empty(); ++level) {
    const std::string candidate = JoinPath(dir, name);
    if (source.IsFile(candidate)) return candidate;
    const std::string parent(DirName(dir));
    if (parent == dir) break;
    dir = parent;
  }
  return std::nullopt;
}

bool ManifestMentions(const std::string& directory, std::string_view name,
                      std::string_view dependency, const FileSource& source) {
  const std::optional<std::string> manifest = FindUpward(directory, name, source, 4);
  if (!manifest) return false;
  const std::optional<std::string> text = source.Read(*manifest, kHeadBytes);
  return text && text->find(dependency) != std::string::npos;
}

FileRun WholeFile(std::string_view text, Direction direction,
                  std::optional<rules::TransactionWrapping> wrapping, std::string opted_out) {
  FileRun run;
  run.sections.push_back({0, text.size(), direction, wrapping, std::move(opted_out)});
  return run;
}

HistoryPlan PlanByVersion(const std::vector<std::string>& files,
                          const std::function<Classified(const std::string& path)>& classify) {
  struct Entry {
    const std::string* path;
    Classified classified;
  };
  std::vector<Entry> ups, downs;
  HistoryPlan plan;
  for (const std::string& file : files) {
    Classified classified = classify(file);
    switch (classified.kind) {
      case Classified::kUp:
        ups.push_back({&file, std::move(classified)});
        break;
      case Classified::kDown:
        downs.push_back({&file, std::move(classified)});
        break;
      case Classified::kNotMigration:
        plan.skipped.push_back({file, std::move(classified.reason)});
        break;
    }
  }
  std::stable_sort(ups.begin(), ups.end(), [](const Entry& a, const Entry& b) {
    const int c = rules::CompareVersions(a.classified.version, b.classified.version);
    return c != 0 ? c < 0 : *a.path < *b.path;
  });
  for (const Entry& up : ups) {
    plan.units.push_back(plan.files.size());
    plan.files.push_back(*up.path);
  }
  for (const Entry& down : downs) {
    Rollback rollback{*down.path};
    for (std::size_t i = 0; i < ups.size(); ++i) {
      const int c = rules::CompareVersions(ups[i].classified.version, down.classified.version);
      if (c > 0) break;
      rollback.after = i + 1;
      if (c == 0) rollback.rolls_back = i;
    }
    plan.rollbacks.push_back(std::move(rollback));
  }
  return plan;
}

HistoryPlan PlanByLeadingVersion(const std::vector<std::string>& files,
                                 const VersionedNames& names) {
  return PlanByVersion(files, [&names](const std::string& path) {
    Classified c;
    const std::string_view base = BaseName(path);
    c.version = rules::LeadingVersion(base, "");
    if (c.version.empty() || (names.needs_underscore && base.find('_') == std::string_view::npos)) {
      c.reason = "not named " + std::string(names.expected);
      return c;
    }
    const bool down = !names.down_suffix.empty() && base.ends_with(names.down_suffix);
    c.kind = down ? Classified::kDown : Classified::kUp;
    return c;
  });
}

}  // namespace pgshift::project
