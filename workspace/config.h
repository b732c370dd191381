// pgshift.toml: found from each linted file's directory upward, or given with --config.
//
//   pg_version = 15                 # target server major version (10..18)
//   transactions = "per-file"       # how the migration tool runs files: none | per-file | per-statement
//   [rules]
//   disable = ["drop-column"]       # rules turned off
//   enable = ["prefer-jsonb"]       # opt-in rules turned on
//   severity = { rename-column = "warning" }
//   [lint]
//   small_table_rows = 10000        # with --schema: size-bound findings on smaller tables are notes
//   [history]                       # migrations as a history (workspace/history_config.h)
//   replay = true                   # order = "auto" | "name"; roots = [...]; exclude = [...]
//   tool = "goose"                  # the migration tool, or "none"; recognised when absent
//   [release]                       # what a release is made of (globs)
//   migrations = ["db/migrations/**"]; code = ["app/**"]; exclude = ["**/*.md"]
//   [phases]                        # directory conventions: expand = ["db/expand/**"], ...
//   max_memory = "2GiB"             # what linting one file may hold; larger files are refused
//   baseline = "pgshift-baseline.json"  # `lint` hides the findings it accepts, as --baseline does
//                                   #   (relative to this file; --baseline overrides it)
//   [runner]                        # defaults of `pgshift run` (flags override them)
//   lock_timeout = "500ms"          # also statement_timeout, idle_in_transaction_timeout,
//   retries = 5                     #   retry_delay, batch_time, throttle (durations)
//   batch_size = 1000               # first backfill batch
//   journal = "/var/lib/pgshift/journal.db"
//   max_replica_lag = 2             # throttling between backfill batches (runner/throttle.h):
//   replicas = ["postgresql://standby1/app"]  # seconds or a duration; standbys read directly;
//   throttle_query = "SELECT ..."   #   waits while it returns above 0;
//   max_load = 50                   #   waits while more sessions are active;
//   critical_load = 200             #   stops, resumably, beyond this
//
// Unknown keys and bad values are errors naming the file, line, column and key, all of them in
// one run.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "workspace/history_config.h"
#include "rules/lint_settings.h"
#include "runner/settings.h"

namespace pgshift::workspace {

struct Config {
  std::string path;  // empty when no file was found: the defaults
  rules::LintSettings lint;
  HistoryConfig history;
  ReleaseConfig release;
  PhaseGlobs phases;
  runner::RunSettings runner;
  std::string journal;  // [runner] journal: the local SQLite journal; empty for the default
  std::string baseline;  // baseline: a baseline file, resolved against the config's directory
};

struct ConfigError {
  // Every problem in the file, one a line: "pgshift.toml:3:1: unknown key `rulez` (did you mean
  // `rules`?)".
  std::string message;

  // Each problem on a line of its own after `prefix` ("pgshift: "), as compilers print them.
  void Print(std::ostream& out, std::string_view prefix) const;
};

using ConfigResult = std::variant<Config, ConfigError>;

inline constexpr const char* kConfigFileName = "pgshift.toml";

ConfigResult LoadConfigFile(const std::filesystem::path& path);
// "2GiB", "512MiB", "1.5GB", "800MB", or a plain number of bytes: a size (KiB, MiB, GiB count
// 1024s; kB, MB, GB 1000s); nullopt when it is not one.
std::optional<std::size_t> ParseSize(std::string_view text);
ConfigResult ParseConfig(std::string_view text, const std::string& path);

// The nearest pgshift.toml in `directory` or above it.
std::optional<std::filesystem::path> FindConfigFile(const std::filesystem::path& directory);

// Finds and loads configuration per directory, remembering each directory's answer.
class ConfigResolver {
 public:
  explicit ConfigResolver(std::optional<std::filesystem::path> explicit_config)
      : explicit_(std::move(explicit_config)) {}
  // The configuration that applies to a file in `directory`.
  const ConfigResult& For(const std::filesystem::path& directory);

 private:
  std::optional<std::filesystem::path> explicit_;
  std::optional<ConfigResult> explicit_result_;
  std::map<std::filesystem::path, ConfigResult> by_file_;
  std::map<std::filesystem::path, std::filesystem::path> directory_to_file_;
  ConfigResult defaults_ = Config{};
};

}  // namespace pgshift::workspace
