#include "rules/history/migration_order.h"

#include <algorithm>
#include <map>

namespace pgshift::rules {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool IsFolderFile(std::string_view base) {
  return base == "up.sql" || base == "down.sql" || base == "migration.sql";
}

// A version of 8 digits and more: a date or a timestamp, which a file carries for itself.
bool LongVersion(const std::vector<std::string_view>& version) {
  return !version.empty() && version.front().size() >= 8;
}

enum Group { kVersioned = 0, kUnversioned = 1 };

struct Key {
  Group group = kUnversioned;
  std::vector<std::string_view> folder;   // the version folder's version, when it has one
  std::vector<std::string_view> version;  // the file's (or its folder-per-migration's)
  std::string_view unit;                  // the version folder the file belongs to
  std::string_view path;
};

Key KeyOf(std::string_view path, std::string_view root) {
  Key key;
  key.path = path;
  const std::string_view base = BaseName(path);
  const std::string_view dir = DirName(path);
  const std::string_view folder = BaseName(dir);
  // A folder directly under the root (or, without a root, the file's folder when it names a
  // version).
  const bool in_folder = root.empty() ? IsMigrationFolder(folder)
                                      : DirName(dir) == root && IsMigrationFolder(folder);
  if (IsFolderFile(base) && IsMigrationFolder(folder)) {
    key.version = LeadingVersion(folder, "-");
  } else {
    key.version = LeadingVersion(base, "-");
    if (in_folder && !root.empty() && !LongVersion(key.version)) {
      key.folder = LeadingVersion(folder, "-._");
      key.unit = dir;
    }
  }
  if (!key.version.empty() || !key.folder.empty()) key.group = kVersioned;
  return key;
}

int CompareKeys(const Key& a, const Key& b) {
  if (a.group != b.group) return a.group < b.group ? -1 : 1;
  // Files of a version folder take the folder's place among the other versions.
  const auto& first_a = a.folder.empty() ? a.version : a.folder;
  const auto& first_b = b.folder.empty() ? b.version : b.folder;
  if (const int c = CompareVersions(first_a, first_b); c != 0) return c;
  if (a.folder.empty() != b.folder.empty()) return a.folder.empty() ? -1 : 1;
  if (!a.folder.empty()) return CompareVersions(a.version, b.version);
  return 0;
}

bool Before(const Key& a, const Key& b) {
  const int c = CompareKeys(a, b);
  return c != 0 ? c < 0 : a.path < b.path;
}

// Numbers of any length (timestamps with nanoseconds exceed 64 bits) compare by length first.
int CompareNumber(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c == 0 ? 0 : 1);
}

}  // namespace

std::vector<std::string_view> LeadingVersion(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> runs;
  std::size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) {
    const std::size_t begin = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    std::string_view digits = text.substr(begin, i - begin);
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    runs.push_back(digits);
    if (i + 1 < text.size() && separators.find(text[i]) != std::string_view::npos &&
        IsDigit(text[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return runs;
}

int CompareVersions(const std::vector<std::string_view>& a,
                    const std::vector<std::string_view>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (const int c = CompareNumber(a[i], b[i]); c != 0) return c;
  }
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return 0;
}

bool IsMigrationFolder(std::string_view name) { return !name.empty() && IsDigit(name[0]); }

bool IsDownMigration(std::string_view path) {
  const std::string_view base = BaseName(path);
  return base == "down.sql" || base.ends_with(".down.sql") || base.ends_with("_down.sql");
}

std::string SkipReason(std::string_view path) {
  if (IsDownMigration(path)) return "down migration";
  // pop (and the projects using it) write one file per database: x.mysql.up.sql.
  const std::string_view base = BaseName(path);
  for (std::string_view other : {"mysql", "sqlite", "sqlite3", "cockroach", "mssql"}) {
    const std::string marker = "." + std::string(other) + ".";
    if (base.find(marker) != std::string_view::npos) return "for " + std::string(other);
  }
  return {};
}

MigrationOrder OrderMigrations(const std::vector<std::string>& paths, MigrationOrderStyle style,
                               std::string_view root) {
  MigrationOrder order;
  std::vector<Key> keys;
  for (const std::string& path : paths) {
    if (std::string reason = SkipReason(path); !reason.empty()) {
      order.skipped.push_back({path, std::move(reason)});
      continue;
    }
    Key key = style == MigrationOrderStyle::kAuto ? KeyOf(path, root) : Key{};
    key.path = path;
    keys.push_back(std::move(key));
  }
  std::stable_sort(keys.begin(), keys.end(), Before);
  std::map<std::string_view, std::size_t> unit_of_folder;
  for (const Key& key : keys) {
    order.files.emplace_back(key.path);
    std::size_t unit = order.units.size();
    if (!key.unit.empty()) unit = unit_of_folder.emplace(key.unit, unit).first->second;
    order.units.push_back(unit);
  }
  // A down migration runs on the schema its up migration left: after every file of its version.
  for (SkippedMigration& skipped : order.skipped) {
    const Key down = KeyOf(skipped.path, root);
    const auto applied_before = [&](const Key& k) {
      return style == MigrationOrderStyle::kAuto ? CompareKeys(k, down) <= 0
                                                 : k.path <= down.path;
    };
    // The keys are sorted, so the ones applied before are a prefix: found by halving, not by
    // comparing every key with every down migration.
    skipped.after = static_cast<std::size_t>(
        std::partition_point(keys.begin(), keys.end(), applied_before) - keys.begin());
    skipped.paired = style == MigrationOrderStyle::kAuto && skipped.after > 0 &&
                     down.group == kVersioned && CompareKeys(keys[skipped.after - 1], down) == 0;
  }
  return order;
}

std::string HistoryRoot(std::string_view path) {
  const std::string_view dir = DirName(path);
  if (IsFolderFile(BaseName(path)) && IsMigrationFolder(BaseName(dir))) {
    return std::string(DirName(dir));
  }
  return std::string(dir);
}

}  // namespace pgshift::rules
