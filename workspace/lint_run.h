// From paths to findings: what `pgshift lint`, `pgshift baseline` and the language server share.
// A lint run collects the inputs, finds the configuration of each, recognises the migration tool
// and orders each history, applies the release scope, lints, and hides what the baseline accepts.
// Rendering, exit codes and command-line parsing stay with the callers.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rules/lint_settings.h"
#include "rules/snapshot/schema.h"
#include "workspace/baseline.h"
#include "workspace/config.h"
#include "workspace/file_sink.h"
#include "workspace/files_in_order.h"
#include "workspace/input_settings.h"
#include "workspace/lint_inputs.h"
#include "workspace/lint_scope.h"
#include "workspace/linted_file.h"

namespace pgshift::workspace {

struct LintRequest {
  std::vector<std::string> paths;  // files, directories, or - for standard input
  std::string config;              // a pgshift.toml to use instead of searching upward
  std::string stdin_filename;
  // Editor buffers: the text of `paths[i]` when set, instead of what the file holds.
  std::vector<std::shared_ptr<const std::string>> texts;
  int pg_version = 0;        // 0: the configuration's
  std::string transactions;  // none, per-file, per-statement; empty: the configuration's
  std::optional<std::size_t> max_memory;
  std::shared_ptr<const rules::SchemaSnapshot> schema;
  std::vector<std::string> only_rules;     // run these rules and no other
  std::vector<std::string> exclude_rules;  // do not run these
  bool history = true;                     // false: each file on its own
  std::string release;                     // BASE..HEAD
  std::string changed_files;
  std::string changed_since;
  std::string baseline;         // hide what it accepts; empty: the configuration's
  bool config_baseline = true;  // false: no baseline unless `baseline` names one
  unsigned jobs = 0;            // files linted in parallel; 0: one per core
  bool verbose = false;         // notes on quieted findings cost a second check
};

// A usage or configuration error (exit 2). `configuration` errors are a pgshift.toml's, one
// problem a line, each naming the file, line and column.
struct LintRunError {
  std::vector<std::string> messages;
  bool configuration = false;
};

class PreparedLint {
 public:
  // Collects inputs, configuration, scope and baseline; nothing is linted yet.
  static std::variant<PreparedLint, LintRunError> Prepare(const LintRequest& request);

  // Lints every selected input with its history, then hides what the baseline accepts. Can be run
  // again (after fixes were written): the tool notes are given once.
  std::vector<LintedFile> Lint();
  // The same, handing each file to `sink` (file_sink.h) as soon as it is done (after the
  // baseline), and in input order, while the rest are linted; nothing is kept. `planned` is
  // called once the histories are planned, before the first file, when the notes of the plan are
  // all in notes().
  void LintEach(FileSink& sink, const std::function<void()>& planned = {});

  const std::vector<LintInput>& inputs() const { return inputs_; }
  // Paths that do not exist or cannot be listed: their inputs are missing (exit 3).
  const std::vector<std::string>& input_errors() const { return input_errors_; }
  // For --verbose: the tool of each history, what was skipped, the baseline's effect.
  const std::vector<std::string>& notes() const { return scope_.notes; }
  // Always shown: a release asked for and not available, stale baseline entries.
  const std::vector<std::string>& warnings() const { return scope_.warnings; }
  // After the last Lint(): says what the baseline hid and which of its entries are stale.
  void NoteBaseline();
  const std::string& baseline_path() const { return baseline_path_; }

 private:
  PreparedLint() = default;

  LintRequest request_;
  std::vector<LintInput> inputs_;
  std::vector<std::string> input_errors_;
  std::unique_ptr<ConfigResolver> resolver_;  // owns the configurations `configs_` points to
  InputSettings settings_;
  std::vector<const Config*> configs_;
  LintScope scope_;
  std::string baseline_path_;
  std::optional<std::vector<BaselineEntry>> accepted_;
  std::size_t hidden_ = 0;
  std::vector<BaselineEntry> stale_;
  bool first_run_ = true;
};

// Lints an editor's buffer: `text` as if it were the file at `path` (which may hold an older text
// or not exist yet), in the context of its folder: the configuration above it, the history of the
// migrations before it, the release scope of its repository and the baseline.
struct DocumentLint {
  std::optional<LintedFile> file;     // empty with an error
  std::optional<LintRunError> error;  // the configuration cannot be used
  std::vector<std::string> warnings;
};
DocumentLint LintDocument(const std::string& path, std::string text);

}  // namespace pgshift::workspace
