// The order in which a directory of migrations applies when no migration tool is recognised (the
// tools' own orders live in project/migration_tools/): so that each file can be judged against
// the schema its predecessors built. Pure: paths in, order out.
//
//   numbered       20240101120000_add_users.sql, 0001_init.sql, 9_b.sql before 10_c.sql
//   up/down pairs  000001_init.up.sql + .down.sql, x_down.sql: down skipped
//   folders        2024-01-01-120000_add_users/up.sql, 20240101120000_x/migration.sql: the
//                  folder name carries the version; down.sql skipped
//   version folders  delta/54/01_a.sql, delta/54/02_b.sql: the folder carries the version and
//                  its files apply together, as one unit (unless they carry long versions of
//                  their own, 8 digits and more, as timestamped files in year folders do)
//
// Versions compare as numbers, component by component ("2019-02-26-002946" has four), so 10
// follows 9. Files without a version come after versioned ones, by name. Down migrations, and
// files for another database (x.mysql.up.sql, as pop names them), are no part of the order.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::rules {

enum class MigrationOrderStyle {
  kAuto,  // by the conventions above
  kName,  // by path, byte by byte
};

struct SkippedMigration {
  std::string path;
  std::string reason;  // "down migration", "for mysql"
  // How many of the ordered files apply before it runs: for a down migration, its up migration
  // and every one before it, the schema it rolls back from.
  std::size_t after = 0;
  // For a down migration: whether an ordered file has its very version (its up migration is
  // files[after - 1]).
  bool paired = false;
};

struct MigrationOrder {
  std::vector<std::string> files;  // in the order they apply
  std::vector<std::size_t> units;  // per file; equal for the files of one version folder
  std::vector<SkippedMigration> skipped;
};

// `paths` use '/' separators; they are returned as given. `root` is the directory of the
// history (its version folders are its direct subfolders); empty when not known.
MigrationOrder OrderMigrations(const std::vector<std::string>& paths, MigrationOrderStyle style,
                               std::string_view root = {});

// Why a file is no part of the history that migrates up, or empty.
std::string SkipReason(std::string_view path);
// A down migration: it rolls back the migration of its version.
bool IsDownMigration(std::string_view path);

// The directory that holds the history `path` belongs to: its own, or the one above it for a
// folder-per-migration layout (`<version>_name/up.sql`, `<version>_name/migration.sql`).
std::string HistoryRoot(std::string_view path);

// Whether a directory name inside a history root is a folder-per-migration or version folder
// (it starts with a digit).
bool IsMigrationFolder(std::string_view name);

// The version at the start of a name: its digit runs, joined by any of `separators`, leading
// zeros stripped ("2019-02-26-002946_x" with "-" gives 2019, 2, 26, 2946). Empty when the name
// does not start with a digit.
std::vector<std::string_view> LeadingVersion(std::string_view name, std::string_view separators);
// Compares versions component by component, each as a number of any length: -1, 0 or 1.
int CompareVersions(const std::vector<std::string_view>& a,
                    const std::vector<std::string_view>& b);

}  // namespace pgshift::rules
