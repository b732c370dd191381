#include "cli/fleet_support.h"

#include <signal.h>

#include <iostream>

#include "cli/exit_code.h"
#include "runner/fleet_status.h"
#include "runner/interrupt.h"
#include "runner/session.h"

namespace pgshift::cli {
namespace {

// Every target's passwords (and the standbys'), hidden from everything printed or journaled.
runner::Redactor FleetRedactor(const runner::Fleet& fleet, const runner::RunSettings& settings) {
  runner::Redactor redact;
  for (const auto& wave : fleet.waves) {
    for (const auto& target : wave.targets) redact.Add(target.url);
  }
  for (const std::string& standby : settings.replicas) redact.Add(standby);
  return redact;
}

void PrintTargets(const runner::FleetOutcome& outcome, std::ostream& out) {
  out << '\n';
  for (const auto& t : outcome.targets) {
    out << "  " << t.wave << "  " << t.target << "  " << t.state
        << (t.message.empty() ? "" : ": " + t.message) << '\n';
  }
}

}  // namespace

std::optional<runner::Fleet> LoadFleet(const std::string& path, const std::string& command,
                                       int& exit_code) {
  auto read = runner::ReadFleetFile(path);
  if (auto* errors = std::get_if<runner::FleetErrors>(&read)) {
    for (const std::string& message : errors->messages) std::cerr << message << '\n';
    std::cerr << "pgshift " << command << ": the fleet file is invalid; nothing was run\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  return std::get<runner::Fleet>(std::move(read));
}

void PrintFleetWaves(const runner::Fleet& fleet, std::ostream& out) {
  out << "\nfleet " << fleet.path << ": " << fleet.waves.size() << " wave"
      << (fleet.waves.size() == 1 ? "" : "s") << ", unreachable targets "
      << (fleet.unreachable == runner::UnreachablePolicy::kSkip ? "skipped" : "halt the rollout")
      << '\n';
  for (std::size_t w = 0; w < fleet.waves.size(); ++w) {
    const runner::FleetWave& wave = fleet.waves[w];
    out << "  wave " << (w + 1) << " `" << wave.name << "`" << (w == 0 ? " (canary)" : "") << ": "
        << wave.targets.size() << " target" << (wave.targets.size() == 1 ? "" : "s") << '\n';
    for (const runner::FleetTarget& target : wave.targets) out << "    " << target.name << '\n';
  }
}

int RunFleetCommand(const LoadedPlan& loaded, const runner::RunSettings& settings,
                    const runner::Fleet& fleet, const runner::FleetRunRequest& request,
                    const FleetConsole& console) {
  runner::InstallInterruptHandlers();
  const runner::Redactor redact = FleetRedactor(fleet, settings);
  const std::string through = loaded.plan.stages[request.run.through - 1].id;
  auto journal = OpenJournal(console.journal, loaded.config);
  if (journal)
    journal->StartRun("run", loaded.plan.id, "fleet " + fleet.path, runner::RunnerIdentity());
  ConsoleSink sink(ProgressMode(console.progress), journal.get(), redact);
  sink.Emit({"run-started", "",
             "rolling out plan `" + loaded.plan.id + "` across fleet " + fleet.path + " through `" +
                 through + "`, " + std::to_string(request.parallel) + " target(s) at a time"});
  const runner::FleetOutcome outcome =
      runner::RunFleet(fleet, loaded.plan, loaded.review, settings, request, sink);
  const std::string message = redact(outcome.message);
  PrintTargets(outcome, std::cout);
  if (outcome.interrupted != 0) {
    sink.Emit({"run-interrupted", "", message});
    if (journal) journal->FinishRun(false, message, "interrupted");
    TellFailure(sink, "run", message);
    std::cerr << "pgshift run: to resume, run `pgshift run "
              << console.plan_path << " --fleet " << fleet.path
              << "` again; each target resumes where its ledger stands\n";
    return ToInt(outcome.interrupted == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted);
  }
  sink.Emit({outcome.ok ? "run-finished" : "run-failed", "", message});
  if (journal) journal->FinishRun(outcome.ok, message);
  if (!outcome.ok) {
    TellFailure(sink, "run", message);
    std::cerr << "pgshift run: every target stopped at a "
              << "checkpoint; `pgshift status --fleet " << fleet.path << "` shows where, "
              << "`pgshift rollback --fleet " << fleet.path << "` undoes it\n";
  }
  if (outcome.preflight) return ToInt(ExitCode::kUsage);
  return ToInt(outcome.ok ? ExitCode::kClean : ExitCode::kUnreadable);
}

int RollbackFleetCommand(const LoadedPlan& loaded, const runner::RunSettings& settings,
                         const runner::Fleet& fleet, const runner::RollbackRequest& request,
                         const FleetConsole& console) {
  runner::InstallInterruptHandlers();
  const runner::Redactor redact = FleetRedactor(fleet, settings);
  auto journal = OpenJournal(console.journal, loaded.config);
  if (journal)
    journal->StartRun("rollback", loaded.plan.id, "fleet " + fleet.path, runner::RunnerIdentity());
  ConsoleSink sink("none", journal.get(), redact);
  const runner::FleetOutcome outcome =
      runner::RollbackFleet(fleet, loaded.plan, loaded.review, settings, request, sink);
  const std::string message = redact(outcome.message);
  PrintTargets(outcome, std::cout);
  if (journal) journal->FinishRun(outcome.ok, message, outcome.interrupted ? "interrupted" : "");
  if (outcome.interrupted != 0) {
    std::cerr << "pgshift rollback: " << message << '\n';
    return ToInt(outcome.interrupted == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted);
  }
  (outcome.ok ? std::cout : std::cerr) << "pgshift rollback: " << message << '\n';
  return ToInt(outcome.ok ? ExitCode::kClean : ExitCode::kUnreadable);
}

int FleetStatusCommand(const LoadedPlan& loaded, const runner::Fleet& fleet, bool json) {
  const auto rows = runner::ReadFleetStatus(fleet, loaded.plan);
  if (json) {
    std::cout << runner::FleetStatusJson(loaded.plan, fleet, rows).dump(2) << '\n';
  } else {
    runner::RenderFleetStatusText(loaded.plan, fleet, rows, std::cout);
  }
  for (const auto& row : rows) {
    if (!row.reachable) return ToInt(ExitCode::kUnreadable);
  }
  return ToInt(ExitCode::kClean);
}

}  // namespace pgshift::cli
