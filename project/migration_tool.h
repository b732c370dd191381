// A migration tool, as pgshift models it: how its migrations are recognised on disk, the order it
// applies them in, which file rolls back which, and how it runs a file (in a transaction or not,
// and the marker that opts a file out). One small file per tool in project/migration_tools/,
// registered like a rule:
//
//   namespace {
//   class Goose : public MigrationTool { ... };
//   }  // namespace
//   PGSHIFT_REGISTER_MIGRATION_TOOL(Goose);
//
// Everything here is pure: directory listings and file contents come from a FileSource, so that
// a git tree can stand in for the disk.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "project/file_source.h"
#include "rules/lint_settings.h"

namespace pgshift::project {

// What the tools table in docs/history-and-releases.md says of a tool.
struct ToolDoc {
  std::string_view name;          // the value of `[history] tool` in pgshift.toml
  std::string_view recognised_by;
  std::string_view order;
  std::string_view pairing;       // how a down migration finds its up migration
  std::string_view transaction;   // how a file runs by default
  std::string_view opt_out;       // the tool's own marker for running a file outside a transaction
  // When several tools recognise one directory, the lowest wins: tools recognised by a file of
  // their own (sqitch.plan, atlas.sum) or a marker in the SQL before those recognised by names.
  int precedence = 0;
};

enum class Direction { kUp, kDown };

// A part of a file the tool runs as one piece: the whole file, or the up or down section of a
// file that holds both.
struct Section {
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last byte
  Direction direction = Direction::kUp;
  // How the tool runs it; nullopt when the tool is not known (then `transactions` applies).
  std::optional<rules::TransactionWrapping> wrapping;
  // Why it runs outside the tool's usual transaction, when it does: the marker seen
  // ("`-- +goose NO TRANSACTION`"), for --verbose.
  std::string opted_out;
};

struct FileRun {
  std::vector<Section> sections;  // in file order; bytes in none of them are not run
};

// A migration that rolls back one that migrates up: a file of its own (down.sql, U1__x.sql,
// revert/x.sql).
struct Rollback {
  std::string path;
  std::size_t after = 0;                  // how many migrations apply before it runs
  std::optional<std::size_t> rolls_back;  // the index of the migration it undoes, when known
};

struct NotMigration {
  std::string path;
  std::string reason;  // "sqitch verify script", "for mysql"
};

struct HistoryPlan {
  std::vector<std::string> files;  // the migrations that migrate up, in the order they apply
  // Per file: files with the same unit apply together (one version folder, graphile-migrate's
  // current/ directory): what an earlier one creates is new for the later ones.
  std::vector<std::size_t> units;
  std::vector<Rollback> rollbacks;
  std::vector<NotMigration> skipped;
};

class MigrationTool {
 public:
  virtual ~MigrationTool() = default;
  virtual const ToolDoc& Doc() const = 0;
  std::string_view Name() const { return Doc().name; }

  // Why the directory `root` holds this tool's migrations ("files carry `-- +goose Up`"), or
  // nullopt when it does not look like it.
  virtual std::optional<std::string> Recognise(const std::string& root,
                                               const FileSource& source) const = 0;
  // The directory holding the history that `path` belongs to, when the tool keeps its files
  // below it (sqitch's deploy/, graphile-migrate's committed/); nullopt otherwise.
  virtual std::optional<std::string> RootOf(const std::string& path,
                                            const FileSource& source) const;
  // The .sql files of the history under `root` (a flat directory plus folder-per-migration
  // folders unless the tool keeps them elsewhere), as paths under root.
  virtual SqlFiles List(const std::string& root, const FileSource& source) const;
  // `files` (a listing of the history, perhaps filtered) in the order the tool applies them.
  virtual HistoryPlan Plan(const std::vector<std::string>& files,
                           const FileSource& source) const = 0;
  // How the tool runs the file at `path`, which holds `text`.
  virtual FileRun Describe(const std::string& path, std::string_view text,
                           const FileSource& source) const = 0;
  // How to have the tool run `path` outside a transaction: the marker and where it goes, for
  // the help of findings that need it. Empty when there is nothing to say.
  virtual std::string OptOut(const std::string& path) const = 0;
  // Whether the tool runs a script whose every statement is a concurrent index build or drop
  // outside a transaction by itself (Flyway): then adding CONCURRENTLY to a script of index
  // builds and drops is all it takes.
  virtual bool RunsConcurrentScriptsOutsideTransaction() const { return false; }
};

// Every registered tool, sorted by name.
const std::vector<const MigrationTool*>& AllTools();
const MigrationTool* FindTool(std::string_view name);

struct ToolRegistration {
  explicit ToolRegistration(std::unique_ptr<MigrationTool> tool);
};

}  // namespace pgshift::project

#define PGSHIFT_REGISTER_MIGRATION_TOOL(type)                                \
  static const ::pgshift::project::ToolRegistration kPgshiftToolRegistration{ \
      std::make_unique<type>()}
