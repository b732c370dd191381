// What the runner's subcommands (plan, run, status, rollback) share: reading and checking the
// plan with the configuration that applies to it, and choosing the target database.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "workspace/config.h"
#include "runner/events.h"
#include "runner/journal.h"
#include "runner/plan.h"
#include "runner/plan_review.h"
#include "runner/redact.h"

namespace pgshift::cli {

struct LoadedPlan {
  runner::Plan plan;
  runner::PlanReview review;
  workspace::Config config;
};

// Reads the plan, finds pgshift.toml from its directory upward (or `config_path`), and reviews
// every statement. On failure prints every error and sets `exit_code` (2: bad plan or config).
std::optional<LoadedPlan> LoadCheckedPlan(const std::string& path, const std::string& config_path,
                                          int pg_version, const std::string& command,
                                          int& exit_code);

// The options every runner command takes to name its target.
struct TargetOptions {
  std::string db;
  std::optional<std::string> sandbox;  // --sandbox [NAME]
};
// `plan`, when the command takes a plan file: `--sandbox` takes the word after it as its name,
// so `run --sandbox plan.toml` would leave no plan; a word that cannot be a sandbox's name goes
// to `plan` when that is still empty, and is refused otherwise.
void AddTargetOptions(CLI::App& command, TargetOptions& target, CLI::Option* plan = nullptr);

// The URL to connect to, or nullopt after printing why (exit code 2).
std::optional<std::string> ResolveTarget(const TargetOptions& target, const std::string& command,
                                         int& exit_code);

// Flags that override the [runner] settings of pgshift.toml.
struct SettingsFlags {
  std::string lock_timeout, statement_timeout, idle_timeout, retry_delay, batch_time, throttle;
  int retries = -1;
  long batch_size = 0;
  std::string pause_file;
  // Throttling (runner/throttle.h)
  std::string max_replica_lag, throttle_query;
  std::vector<std::string> replicas;
  int max_load = -1, critical_load = -1;
};
void AddSettingsFlags(CLI::App& command, SettingsFlags& flags, bool backfill);
// Applies the plan's standbys (replicas, max_replica_lag) over pgshift.toml's, where `flags` do
// not give them; false after printing why the plan's standbys cannot be used (exit code 2).
bool ApplyPlanSettings(const runner::Plan& plan, const SettingsFlags& flags,
                       runner::RunSettings& settings, const std::string& command, int& exit_code);
// Applies the flags over `settings`; false after printing a bad value (exit code 2).
bool ApplySettingsFlags(const SettingsFlags& flags, runner::RunSettings& settings,
                        const std::string& command, int& exit_code);

// Prints events for people (stdout), backfill progress (stderr: a bar on a terminal, one JSON
// object per line otherwise, or none), and records everything in the journal when one is open;
// with the target's passwords (and PGPASSWORD) hidden from all of it.
class ConsoleSink final : public runner::EventSink {
 public:
  ConsoleSink(std::string progress, runner::Journal* journal, runner::Redactor redact);
  ~ConsoleSink() override;
  void Emit(const runner::RunEvent& event) override;
  // Before the command says its failure `message` on standard error: whether it should, which it
  // should not when standard error goes where standard output does (a terminal, or 2>&1) and
  // the run's last event there said just that. A stage's failure held back is shown first,
  // unless `message` says it and goes to the same place.
  bool Tell(const std::string& message);
  // Quiet: no event on standard output (`run --format json` keeps it for its result); progress,
  // the journal and the command's errors on standard error are as before.
  void set_quiet(bool quiet) { quiet_ = quiet; }

 private:
  void EndBar();
  void Print(const std::string& line);
  bool quiet_ = false;
  std::string held_failure_;   // a stage's failure, shown unless the run's repeats it
  std::string held_detail_;    // that failure's message
  std::string shown_failure_;  // the run's or rollback's failure, when it was the last shown
  std::string progress_;  // bar, json or none
  runner::Journal* journal_;
  runner::Redactor redact_;
  bool bar_open_ = false;
};

// Opens the journal (--journal, the config's, or the default), or warns and returns null: a run
// does not depend on its local journal.
std::unique_ptr<runner::Journal> OpenJournal(const std::string& flag, const workspace::Config& config);

// Whether standard error is the file standard output is (one terminal, or 2>&1).
bool ErrorsGoWithOutput();

// "pgshift COMMAND: message" on standard error, unless `sink` has just shown that message on
// standard output and standard error goes to the same place: each error is printed once.
void TellFailure(ConsoleSink& sink, const std::string& command, const std::string& message);

// "auto" → "bar" on a terminal, "json" otherwise.
std::string ProgressMode(const std::string& requested);

}  // namespace pgshift::cli
