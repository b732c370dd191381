#include "rules/history/migration_order.h"

#include <algorithm>
#include <cctype>
#include <tuple>

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

// The name that carries the version: the folder of a folder-per-migration, else the file.
std::string_view UnitName(std::string_view path) {
  const std::string_view base = BaseName(path);
  const std::string_view folder = BaseName(DirName(path));
  if (IsFolderFile(base) && IsMigrationFolder(folder)) return folder;
  return base;
}

enum Group { kVersioned = 0, kUnversioned = 1, kRepeatable = 2 };

struct Key {
  Group group = kUnversioned;
  std::vector<std::string_view> version;  // digit runs, leading zeros stripped
  std::string_view path;
};

std::string_view StripZeros(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

// Digit runs separated by `separators`, from the start of `text`.
std::vector<std::string_view> DigitRuns(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> runs;
  std::size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) {
    const std::size_t begin = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    runs.push_back(StripZeros(text.substr(begin, i - begin)));
    if (i + 1 < text.size() && separators.find(text[i]) != std::string_view::npos &&
        IsDigit(text[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return runs;
}

// Flyway: V1__x, V1.2__x, V1_2__x (and B for baseline, U for undo).
bool FlywayVersion(std::string_view name, char prefix, std::vector<std::string_view>& version) {
  if (name.size() < 4 || name[0] != prefix || !IsDigit(name[1])) return false;
  const std::size_t separator = name.find("__");
  if (separator == std::string_view::npos) return false;
  const std::string_view digits = name.substr(1, separator - 1);
  version = DigitRuns(digits, "._");
  return std::all_of(digits.begin(), digits.end(),
                     [](char c) { return IsDigit(c) || c == '.' || c == '_'; });
}

Key KeyOf(std::string_view path) {
  Key key;
  key.path = path;
  const std::string_view unit = UnitName(path);
  if (unit.starts_with("R__")) {
    key.group = kRepeatable;
  } else if (FlywayVersion(unit, 'V', key.version) || FlywayVersion(unit, 'B', key.version)) {
    key.group = kVersioned;
  } else if (!unit.empty() && IsDigit(unit[0])) {
    key.group = kVersioned;
    key.version = DigitRuns(unit, "-");
  }
  return key;
}

// Numbers of any length (timestamps with nanoseconds exceed 64 bits) compare by length first.
int CompareNumber(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

// Compares group and version: -1, 0 or 1.
int CompareVersions(const Key& a, const Key& b) {
  if (a.group != b.group) return a.group < b.group ? -1 : 1;
  const std::size_t n = std::min(a.version.size(), b.version.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (const int c = CompareNumber(a.version[i], b.version[i]); c != 0) return c;
  }
  if (a.version.size() != b.version.size()) return a.version.size() < b.version.size() ? -1 : 1;
  return 0;
}

bool Before(const Key& a, const Key& b) {
  const int c = CompareVersions(a, b);
  return c != 0 ? c < 0 : a.path < b.path;
}

}  // namespace

bool IsMigrationFolder(std::string_view name) { return !name.empty() && IsDigit(name[0]); }

bool IsDownMigration(std::string_view path) {
  const std::string_view base = BaseName(path);
  std::vector<std::string_view> ignored;
  return FlywayVersion(UnitName(path), 'U', ignored) || base == "down.sql" ||
         base.ends_with(".down.sql") || base.ends_with("_down.sql");
}

std::string SkipReason(std::string_view path) {
  const std::string_view base = BaseName(path);
  std::vector<std::string_view> ignored;
  if (FlywayVersion(UnitName(path), 'U', ignored)) return "Flyway undo migration";
  if (IsDownMigration(path)) return "down migration";
  // pop (and the projects using it) write one file per database: x.mysql.up.sql.
  for (std::string_view other : {"mysql", "sqlite", "sqlite3", "cockroach", "mssql"}) {
    const std::string marker = "." + std::string(other) + ".";
    if (base.find(marker) != std::string_view::npos) return "for " + std::string(other);
  }
  return {};
}

MigrationOrder OrderMigrations(const std::vector<std::string>& paths, MigrationOrderStyle style) {
  MigrationOrder order;
  std::vector<Key> keys;
  for (const std::string& path : paths) {
    if (std::string reason = SkipReason(path); !reason.empty()) {
      order.skipped.push_back({path, std::move(reason)});
      continue;
    }
    Key key = style == MigrationOrderStyle::kAuto ? KeyOf(path) : Key{kUnversioned, {}, path};
    key.path = path;
    keys.push_back(std::move(key));
  }
  std::stable_sort(keys.begin(), keys.end(), Before);
  for (const Key& key : keys) order.files.emplace_back(key.path);
  // A down migration runs on the schema its up migration left: after every file of its version.
  for (SkippedMigration& skipped : order.skipped) {
    Key down = KeyOf(skipped.path);
    if (FlywayVersion(UnitName(skipped.path), 'U', down.version)) down.group = kVersioned;
    skipped.after =
        static_cast<std::size_t>(std::count_if(keys.begin(), keys.end(), [&](const Key& k) {
          return style == MigrationOrderStyle::kAuto ? CompareVersions(k, down) <= 0
                                                     : k.path <= down.path;
        }));
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

std::size_t DownSectionStart(std::string_view text) {
  std::size_t line = 0;
  while (line < text.size()) {
    std::size_t end = text.find('\n', line);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(line, end - line);
    while (!content.empty() && std::isspace(static_cast<unsigned char>(content.front()))) {
      content.remove_prefix(1);
    }
    if (content.starts_with("-- migrate:down") || content.starts_with("-- +goose Down"))
      return line;
    line = end + 1;
  }
  return text.size();
}

}  // namespace pgshift::rules
