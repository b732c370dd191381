// `pgshift rollback PLAN [--to STAGE]`: undoes completed stages in reverse and proves the catalog
// is back at the checkpoint.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/fleet_support.h"
#include "cli/runner_support.h"
#include "runner/pooler.h"
#include "runner/rollback.h"
#include "runner/session.h"

namespace pgshift::cli {
namespace {

struct RollbackOptions {
  std::string path, config, to, journal, fleet;
  bool force = false, accept_drift = false;
  TargetOptions target;
  SettingsFlags flags;
};

int Rollback(const RollbackOptions& options) {
  int exit_code = 0;
  auto loaded = LoadCheckedPlan(options.path, options.config, 0, "rollback", exit_code);
  if (!loaded) return exit_code;
  runner::RunSettings settings = loaded->config.runner;
  if (!ApplySettingsFlags(options.flags, settings, "rollback", exit_code)) return exit_code;
  if (!options.to.empty() && runner::FindStage(loaded->plan, options.to) == nullptr) {
    std::cerr << "pgshift rollback: --to " << options.to << " is not a stage of plan `"
              << loaded->plan.id << "`\n";
    return ToInt(ExitCode::kUsage);
  }
  if (!options.fleet.empty()) {
    if (!options.target.db.empty() || options.target.sandbox) {
      std::cerr << "pgshift rollback: give --fleet or a single target (--db, --sandbox), not "
                   "both\n";
      return ToInt(ExitCode::kUsage);
    }
    const auto fleet = LoadFleet(options.fleet, "rollback", exit_code);
    if (!fleet) return exit_code;
    return RollbackFleetCommand(*loaded, settings, *fleet,
                                {options.to, options.force, options.accept_drift},
                                {options.journal, "none", options.path});
  }
  const auto url = ResolveTarget(options.target, "rollback", exit_code);
  if (!url) return exit_code;
  const std::string target = runner::RedactUrl(*url);
  const runner::Redactor redact(*url);
  auto journal = OpenJournal(options.journal, loaded->config);
  if (journal) journal->StartRun("rollback", loaded->plan.id, target, runner::RunnerIdentity());
  ConsoleSink sink("none", journal.get(), redact);
  auto connected = runner::Connect(*url, "pgshift rollback");
  if (const auto* error = runner::ErrorOf(connected)) {
    const std::string message = "cannot connect to " + target + ": " + error->message;
    sink.Emit({"rollback-failed", "", message});
    if (journal) journal->FinishRun(false, message);
    TellFailure(sink, "rollback", message);
    return ToInt(ExitCode::kUnreadable);
  }
  auto& db = *std::get<std::unique_ptr<runner::Database>>(connected);
  if (const auto refused = runner::CheckSessionPinned(db, *url)) {
    const std::string message = redact(*refused);
    if (journal) journal->FinishRun(false, message);
    std::cerr << "pgshift rollback: refused: " << message << '\n';
    return ToInt(ExitCode::kUsage);
  }
  const runner::Outcome outcome = runner::RollbackPlan(db, loaded->plan, loaded->review, settings,
                                                       {options.to, options.force, options.accept_drift}, sink);
  const std::string message = redact(outcome.message);
  if (journal) journal->FinishRun(outcome.ok, message);
  if (!outcome.ok) TellFailure(sink, "rollback", message);
  return ToInt(outcome.ok ? ExitCode::kClean : ExitCode::kUnreadable);
}

}  // namespace

void AddRollbackCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RollbackOptions>();
  CLI::App* rollback = app.add_subcommand(
      "rollback",
      "Undo a plan's completed stages in reverse and prove the catalog is back at the checkpoint");
  CLI::Option* plan = rollback->add_option("plan", options->path, "The plan file (TOML)")->required();
  AddTargetOptions(*rollback, options->target, plan);
  rollback->add_option("--to", options->to,
                       "Keep this stage and those before it (default: undo every stage)");
  rollback->add_option("--fleet", options->fleet,
                       "Roll back every target of this fleet file the plan ran on, the last wave "
                       "first");
  rollback->add_flag("--force", options->force, "Roll back although the plan changed since it ran");
  rollback->add_flag("--accept-drift", options->accept_drift,
                     "Roll back although the catalog changed since the last stage's checkpoint "
                     "(recorded in the journal)");
  rollback->add_option("--journal", options->journal,
                       "SQLite journal (default: $XDG_STATE_HOME/pgshift/journal.db)");
  rollback
      ->add_option("--config", options->config, "Use this pgshift.toml instead of searching upward")
      ->check(CLI::ExistingFile);
  AddSettingsFlags(*rollback, options->flags, false);
  rollback->footer(
      "A stage whose rollback is \"irreversible\" (a contract stage) stops the rollback before "
      "it.\n"
      "Exit codes: 0 rolled back and the fingerprint matches, 2 bad plan or usage, or a pooler\n"
      "in transaction mode is in between (nothing ran), 3 a rollback\n"
      "statement failed, the fingerprint differs (every difference is listed), the catalog\n"
      "changed since the last checkpoint before anything was undone (drift), or refused.\n"
      "With --fleet: 3 when any target could not be rolled back (each is listed).");
  rollback->callback([options, &exit_code] { exit_code = Rollback(*options); });
}

}  // namespace pgshift::cli
