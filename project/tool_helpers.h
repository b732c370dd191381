// What several migration tools share: listing a history, reading the head of its files, ordering
// by version with downs paired to ups of the same version, and describing a file run whole.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "project/file_source.h"
#include "project/migration_tool.h"

namespace pgshift::project {

// How much of a file recognition and markers look at.
inline constexpr std::size_t kHeadBytes = 64 * 1024;
// How many files recognition reads at most for markers in their text.
inline constexpr std::size_t kFilesToSniff = 40;

// The .sql files directly in `root`, plus those in its subfolders whose names start with a
// digit (folder-per-migration and version folders), as paths under root, sorted.
std::vector<std::string> ListFlat(const std::string& root, const FileSource& source);
// Whether any of the first kFilesToSniff .sql files of `files` holds a line for which `test` is
// true; sets `which` to that file's name.
bool AnyFileHasLine(const std::vector<std::string>& files, const FileSource& source,
                    const std::function<bool(std::string_view line)>& test,
                    std::string* which = nullptr);
// The lines of `text`, each with its offset, without the line break.
struct Line {
  std::size_t begin = 0;
  std::string_view text;
};
std::vector<Line> Lines(std::string_view text);
std::string_view TrimSpace(std::string_view text);
// Whether `text` reads `lowercase` in any case (ASCII).
bool EqualsLowercase(std::string_view text, std::string_view lowercase);
// For a tool recognised by a marker line in its files: `reason` when one of `files` has such a
// line (see AnyFileHasLine), else nothing.
std::optional<std::string> RecogniseByLine(const std::vector<std::string>& files,
                                           const FileSource& source,
                                           const std::function<bool(std::string_view line)>& test,
                                           std::string reason);
// `name` found in `directory` or one of the `levels` directories above it: its path.
std::optional<std::string> FindUpward(const std::string& directory, std::string_view name,
                                      const FileSource& source, int levels);
// Whether the manifest `name` (Cargo.toml, go.mod) in `directory` or one of the four above it
// mentions `dependency` in its first kHeadBytes.
bool ManifestMentions(const std::string& directory, std::string_view name,
                      std::string_view dependency, const FileSource& source);

// A file the tool runs whole, in one direction.
FileRun WholeFile(std::string_view text, Direction direction,
                  std::optional<rules::TransactionWrapping> wrapping, std::string opted_out = {});

// How a tool reads one listed file for PlanByVersion.
struct Classified {
  enum Kind { kUp, kDown, kNotMigration } kind = kNotMigration;
  std::vector<std::string_view> version;  // views into the path
  std::string reason;                     // for kNotMigration
};
// Orders the ups by version (ties by path), pairs each down with the up of its version and
// places it after every up of a version not above its own.
HistoryPlan PlanByVersion(const std::vector<std::string>& files,
                          const std::function<Classified(const std::string& path)>& classify);

// How a tool that names its files `<version>_<name>.sql` tells a migration from another file.
struct VersionedNames {
  std::string_view expected;          // the naming, said of a file that does not follow it
  bool needs_underscore = false;      // the version must be followed by `_<name>`
  std::string_view down_suffix = {};  // a file whose name ends so is a down ("": no down files)
};
// PlanByVersion for such a tool: the version is the file name's leading number.
HistoryPlan PlanByLeadingVersion(const std::vector<std::string>& files,
                                 const VersionedNames& names);

}  // namespace pgshift::project
