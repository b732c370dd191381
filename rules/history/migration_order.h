// The order in which migration tools apply a directory of migrations, so that each file can be
// judged against the schema its predecessors built. Pure: paths in, order out.
//
//   Flyway         V1__init.sql, V1.2__x.sql, V2_1__y.sql; R__views.sql repeatables after all
//                  versioned ones; U1__x.sql undo migrations skipped
//   timestamped    20240101120000_add_users.sql (dbmate, goose, sqlx, ...)
//   up/down pairs  000001_init.up.sql + .down.sql (golang-migrate, sqlx, pop): down skipped
//   folders        2024-01-01-120000_add_users/up.sql (diesel), 20240101120000_x/migration.sql
//                  (Prisma): the folder name carries the version; down.sql skipped
//
// Versions compare as numbers, component by component ("2019-02-26-002946" has four), so 10
// follows 9. Files without a version come after versioned ones, then repeatables, each group by
// name. Down migrations, and files for another database (x.mysql.up.sql, as pop names them),
// are no part of the order.
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
  std::string reason;  // "down migration", "for mysql", "Flyway undo migration"
  // How many of the ordered files apply before it runs: for a down (or undo) migration, its up
  // migration and every one before it, the schema it rolls back from.
  std::size_t after = 0;
};

struct MigrationOrder {
  std::vector<std::string> files;  // in the order they apply
  std::vector<SkippedMigration> skipped;
};

// `paths` use '/' separators; they are returned as given.
MigrationOrder OrderMigrations(const std::vector<std::string>& paths, MigrationOrderStyle style);

// Why a file is no part of the history that migrates up, or empty.
std::string SkipReason(std::string_view path);
// A down (or Flyway undo) migration: it rolls back the migration of its version.
bool IsDownMigration(std::string_view path);

// The directory that holds the history `path` belongs to: its own, or the one above it for a
// folder-per-migration layout (`<version>_name/up.sql`, `<version>_name/migration.sql`).
std::string HistoryRoot(std::string_view path);

// Whether a directory name inside a history root is a folder-per-migration (starts with a digit).
bool IsMigrationFolder(std::string_view name);

// Where the part of a file that migrates down begins (dbmate `-- migrate:down`, goose
// `-- +goose Down`), or text.size() when it has none.
std::size_t DownSectionStart(std::string_view text);

}  // namespace pgshift::rules
