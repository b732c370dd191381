// `pgshift run PLAN`: applies the plan's stages to the target, through the switch phase unless
// asked for more, resuming where the ledger says the last run stopped.
#include <signal.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/fleet_support.h"
#include "cli/runner_support.h"
#include "cli/stage_report.h"
#include "runner/ledger.h"
#include "runner/executor.h"
#include "runner/interrupt.h"
#include "runner/plan_render.h"
#include "runner/pooler.h"
#include "runner/session.h"

namespace pgshift::cli {
namespace {

// `--format json`: what standard output holds instead of the run's events, one object at the end.
nlohmann::json ResultJson(const LoadedPlan& loaded, const std::string& target, std::size_t through,
                          const std::string& outcome, const std::string& message,
                          std::chrono::steady_clock::time_point started, runner::Database* db) {
  nlohmann::json result = {
      {"plan", loaded.plan.id},
      {"target", target},
      {"through", loaded.plan.stages[through - 1].id},
      {"outcome", outcome},
      {"message", message},
      {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count()},
      {"stages", nullptr}};
  if (db == nullptr) return result;
  auto read = runner::ReadPlanRecord(*db, loaded.plan.id);
  if (const auto* error = runner::ErrorOf(read)) {
    result["stages_error"] = "cannot read the ledger: " + error->message;
  } else {
    result["stages"] = StagesJson(loaded.plan, std::get<std::optional<runner::PlanRecord>>(read));
  }
  return result;
}

struct RunOptions {
  std::string path, config, through, progress = "auto", journal, fleet, format = "text";
  int pg_version = 0, parallel = 1;
  bool force = false, dry_run = false, accept_drift = false;
  TargetOptions target;
  SettingsFlags flags;
};

int Run(const RunOptions& options) {
  int exit_code = 0;
  auto loaded = LoadCheckedPlan(options.path, options.config, options.pg_version, "run", exit_code);
  if (!loaded) return exit_code;
  runner::RunSettings settings = loaded->config.runner;
  if (!ApplyPlanSettings(loaded->plan, options.flags, settings, "run", exit_code)) return exit_code;
  if (!ApplySettingsFlags(options.flags, settings, "run", exit_code)) return exit_code;
  const auto through = runner::ResolveThrough(loaded->plan, options.through);
  if (const auto* error = std::get_if<std::string>(&through)) {
    std::cerr << "pgshift run: " << *error << '\n';
    return ToInt(ExitCode::kUsage);
  }
  const std::size_t count = std::get<std::size_t>(through);
  if (options.dry_run) {
    runner::RenderPlanText(loaded->plan, loaded->review, std::cout);
    if (!options.fleet.empty()) {
      const auto fleet = LoadFleet(options.fleet, "run", exit_code);
      if (!fleet) return exit_code;
      PrintFleetWaves(*fleet, std::cout);
    }
    std::cout << "\n--dry-run: would run stages 1-" << count << " (through `"
              << loaded->plan.stages[count - 1].id << "`); nothing was run\n";
    return ToInt(ExitCode::kClean);
  }
  if (!options.fleet.empty()) {
    if (!options.target.db.empty() || options.target.sandbox) {
      std::cerr << "pgshift run: give --fleet or a single target (--db, --sandbox), not both\n";
      return ToInt(ExitCode::kUsage);
    }
    const auto fleet = LoadFleet(options.fleet, "run", exit_code);
    if (!fleet) return exit_code;
    return RunFleetCommand(*loaded, settings, *fleet,
                           {{count, options.force, options.accept_drift}, options.parallel},
                           {options.journal, options.progress, options.path});
  }
  if (options.format == "json" && !options.fleet.empty()) {
    std::cerr << "pgshift run: --format json is for a single target; a fleet's rollout is in its "
                 "journal (pgshift history --format json)\n";
    return ToInt(ExitCode::kUsage);
  }
  const auto url = ResolveTarget(options.target, "run", exit_code);
  if (!url) return exit_code;
  const auto started = std::chrono::steady_clock::now();
  const bool json = options.format == "json";
  runner::InstallInterruptHandlers();
  const std::string target = runner::RedactUrl(*url);
  // The standbys' passwords are secrets too, wherever a message might carry them.
  runner::Redactor redact(*url);
  for (const std::string& standby : settings.replicas) redact.Add(standby);
  auto journal = OpenJournal(options.journal, loaded->config);
  if (journal) journal->StartRun("run", loaded->plan.id, target, runner::RunnerIdentity());
  ConsoleSink sink(ProgressMode(options.progress), journal.get(), redact);
  sink.set_quiet(json);
  const auto result = [&](const std::string& outcome, const std::string& message,
                          runner::Database* db) {
    if (json) {
      std::cout << ResultJson(*loaded, target, count, outcome, redact(message), started, db).dump(2)
                << '\n';
    }
  };
  sink.Emit({"run-started", "",
             "running plan `" + loaded->plan.id + "` on " + target + " through `" +
                 loaded->plan.stages[count - 1].id + "`"});
  auto connected = runner::Connect(*url, "pgshift run");
  if (const auto* error = runner::ErrorOf(connected)) {
    const std::string message = "cannot connect to " + target + ": " + error->message;
    sink.Emit({"run-failed", "", message});
    if (journal) journal->FinishRun(false, message);
    result("failed", message, nullptr);
    TellFailure(sink, "run", message);
    return ToInt(ExitCode::kUnreadable);
  }
  auto& db = *std::get<std::unique_ptr<runner::Database>>(connected);
  if (const auto refused = runner::CheckSessionPinned(db, *url)) {
    const std::string message = redact(*refused);
    sink.Emit({"run-failed", "", message});
    if (journal) journal->FinishRun(false, message);
    result("refused", message, nullptr);
    std::cerr << "pgshift run: refused: " << message << '\n';
    return ToInt(ExitCode::kUsage);
  }
  const runner::Outcome outcome =
      runner::RunPlan(db, loaded->plan, loaded->review, settings, {count, options.force, options.accept_drift}, sink);
  const std::string message = redact(outcome.message);
  if (outcome.interrupted != 0) {
    sink.Emit({"run-interrupted", "", message});
    if (journal) journal->FinishRun(false, message, "interrupted");
    result("interrupted", message, &db);
    TellFailure(sink, "run", message);
    std::cerr << "pgshift run: to resume, run `pgshift run " << options.path
              << "` again with the same target; `pgshift status` shows where it stopped\n";
    return ToInt(outcome.interrupted == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted);
  }
  sink.Emit({outcome.ok ? "run-finished" : "run-failed", "", message});
  if (journal) journal->FinishRun(outcome.ok, message);
  result(outcome.ok ? "done" : outcome.preflight ? "preflight failed" : "failed", message, &db);
  if (!outcome.ok) TellFailure(sink, "run", message);
  if (outcome.preflight) return ToInt(ExitCode::kUsage);
  return ToInt(outcome.ok ? ExitCode::kClean : ExitCode::kUnreadable);
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Apply a plan's stages to a database, resumably, through the switch phase by default");
  CLI::Option* plan = run->add_option("plan", options->path, "The plan file (TOML)")->required();
  AddTargetOptions(*run, options->target, plan);
  run->add_option(
      "--through", options->through,
      "Last phase (expand, backfill, switch, contract) or stage id to run (default: switch; "
      "contract stages cannot be undone and run only when asked)");
  run->add_flag("--force", options->force,
                "Run although the plan changed since its stages ran here");
  run->add_flag("--accept-drift", options->accept_drift,
                "Go on although the catalog changed since the last checkpoint (recorded in the "
                "journal); without it such a change stops the run before the next stage");
  run->add_option("--fleet", options->fleet,
                  "Roll the plan out across the databases of this fleet file, wave by wave, the "
                  "canary first (see docs/fleet.md)");
  run->add_option("--parallel", options->parallel, "With --fleet: targets of a wave run at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  run->add_flag("--dry-run", options->dry_run, "Show what would run, without connecting");
  run->add_option("--progress", options->progress,
                  "Backfill progress on stderr: auto (a bar on a terminal, JSON lines otherwise), "
                  "bar, json, none")
      ->check(CLI::IsMember({"auto", "bar", "json", "none"}))
      ->capture_default_str();
  run->add_option("--format", options->format,
                  "text (the run's events as they happen) or json (standard output holds only a "
                  "result object at the end: outcome, message, and each stage's status, "
                  "duration and rows from the ledger)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  run->add_option("--journal", options->journal,
                  "SQLite journal (default: $XDG_STATE_HOME/pgshift/journal.db)");
  run->add_option("--config", options->config, "Use this pgshift.toml instead of searching upward")
      ->check(CLI::ExistingFile);
  run->add_option("--pg-version", options->pg_version, "Server major version for locks and lint")
      ->check(CLI::Range(10, 18));
  AddSettingsFlags(*run, options->flags, true);
  run->footer(
      "Each stage commits with its ledger row (schema pgshift in the target); a killed run "
      "resumes\n"
      "from the last commit. Before the first statement, every stage to run is checked against the\n"
      "live catalog (tables, columns, a backfill's key). Exit codes: 0 done, 2 bad plan,\n"
      "configuration or usage, preflight failed, or a pooler in transaction mode is in between\n"
      "(nothing ran),\n"
      "3 the run stopped (connection, lock wait given up, gate, failed statement, refused,\n"
      "--critical-load reached: resumable from the last batch, or the catalog changed by hand\n"
      "since the last checkpoint: see --accept-drift),\n"
      "130/143 interrupted by SIGINT/SIGTERM: the statement in flight is cancelled, the stage\n"
      "recorded as interrupted, and a later run resumes it; a second signal exits at once.\n"
      "With --fleet, the same codes for the whole rollout: 3 also when a target is unreachable\n"
      "(under unreachable = \"halt\") or the health gate fails; a rerun resumes every target.");
  run->callback([options, &exit_code] { exit_code = Run(*options); });
}

}  // namespace pgshift::cli
