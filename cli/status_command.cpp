// `pgshift status PLAN`: each stage's state in the target's ledger, and what to do next.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/fleet_support.h"
#include "cli/runner_support.h"
#include "cli/stage_report.h"
#include "runner/ledger.h"
#include "runner/progress.h"
#include "runner/redact.h"
#include "runner/session.h"

namespace pgshift::cli {
namespace {

struct StatusOptions {
  std::string path, config, fleet, format = "text";
  bool json = false;
  TargetOptions target;
};

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string Rows(const runner::Stage& stage, const runner::StageRecord& s) {
  if (!s.rows_total) return "-";
  const std::string verb =
      stage.backfill ? std::string(runner::ChangedRowsVerb(*stage.backfill)) : "updated";
  return runner::Thousands(s.rows_scanned) + "/" + runner::Thousands(*s.rows_total) + " scanned, " +
         runner::Thousands(s.rows_done) + " " + verb;
}

// What a person should know about a stage that is not simply done or pending.
std::string Explain(const runner::StageRecord& s, std::size_t statements, bool held) {
  if (s.status == "running" && held) return "being run now";
  if (s.status == "running" || s.status == "failed" || s.status == "interrupted") {
    std::string text = s.status == "failed"        ? "failed: " + s.error
                       : s.status == "interrupted" ? "interrupted: " + s.error
                                                   : "interrupted";
    if (s.has_cursor) {
      text += "; committed up to key (" + Joined(s.cursor) + ")";
    } else if (statements > 0) {
      text += "; " + std::to_string(s.steps_done) + " of " + std::to_string(statements) +
              " statements committed";
    }
    return text + "; `pgshift run` resumes from there, `pgshift rollback` undoes it";
  }
  return "";
}

int Status(const StatusOptions& options) {
  int exit_code = 0;
  auto loaded = LoadCheckedPlan(options.path, options.config, 0, "status", exit_code);
  if (!loaded) return exit_code;
  if (!options.fleet.empty()) {
    const auto fleet = LoadFleet(options.fleet, "status", exit_code);
    if (!fleet) return exit_code;
    return FleetStatusCommand(*loaded, *fleet, options.json || options.format == "json");
  }
  const auto url = ResolveTarget(options.target, "status", exit_code);
  if (!url) return exit_code;
  auto connected = runner::Connect(*url, "pgshift status");
  if (const auto* error = runner::ErrorOf(connected)) {
    std::cerr << "pgshift status: cannot connect to " << runner::RedactUrl(*url) << ": "
              << error->message << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  auto& db = *std::get<std::unique_ptr<runner::Database>>(connected);
  auto read = runner::ReadPlanRecord(db, loaded->plan.id);
  if (const auto* error = runner::ErrorOf(read)) {
    std::cerr << "pgshift status: cannot read the ledger: " << error->message << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  const auto& record = std::get<std::optional<runner::PlanRecord>>(read);
  const std::string holder = record ? runner::PlanLockHolder(db, loaded->plan.id) : "";
  const runner::Plan& plan = loaded->plan;
  if (options.json || options.format == "json") {
    const nlohmann::json out = {
        {"plan", plan.id},           {"target", runner::RedactUrl(*url)},
        {"checksum", plan.checksum}, {"recorded_checksum", record ? record->checksum : ""},
        {"lock_holder", holder},     {"stages", StagesJson(plan, record)}};
    std::cout << out.dump(2) << '\n';
    return ToInt(StatusExitCode(record));
  }
  std::cout << "plan " << plan.id << " on " << runner::RedactUrl(*url) << '\n';
  if (!record) {
    std::cout << "never run here: every stage is pending\n";
  } else {
    std::cout << "checksum " << record->checksum
              << (record->checksum == plan.checksum
                      ? " (matches the plan file)"
                      : " (the plan file now has " + plan.checksum + ": it changed)")
              << "\nbaseline " << record->baseline << "\n"
              << (holder.empty() ? "no runner holds the plan's lock" : "in use by " + holder)
              << '\n';
  }
  // Stage ids written by `plan new` run past 22 characters: the column fits the longest.
  std::size_t id_width = 22;
  for (const runner::Stage& stage : plan.stages) id_width = std::max(id_width, stage.id.size() + 2);
  std::cout << '\n'
            << std::left << std::setw(4) << "#" << std::setw(id_width) << "stage" << std::setw(10)
            << "phase" << std::setw(13) << "status" << std::setw(27) << "started" << std::setw(10)
            << "took" << std::setw(18) << "checkpoint"
            << "rows\n";
  std::vector<std::string> notes;
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    const runner::Stage& stage = plan.stages[i];
    const runner::StageRecord* s = record ? record->Find(stage.id) : nullptr;
    runner::StageRecord empty;
    if (s == nullptr) s = &empty;
    std::ostringstream took;
    const bool timed = s->status == "done" || s->status == "running" || s->status == "failed" ||
                       s->status == "interrupted";
    // As `run` said it: the same duration, written the same way.
    if (timed && !s->started_at.empty()) took << runner::FormatDuration(StageDuration(*s));
    std::cout << std::setw(4) << (i + 1) << std::setw(id_width) << stage.id << std::setw(10)
              << rules::PhaseName(stage.phase) << std::setw(13) << s->status << std::setw(27)
              << (s->started_at.empty() ? "-" : s->started_at) << std::setw(10)
              << (took.str().empty() ? "-" : took.str()) << std::setw(18)
              << (s->fingerprint.empty() ? "-" : s->fingerprint) << Rows(stage, *s) << '\n';
    const std::string note = Explain(*s, loaded->review.stages[i].sql.size(), !holder.empty());
    if (!note.empty()) notes.push_back("stage `" + stage.id + "` " + note);
  }
  for (const std::string& note : notes) std::cout << '\n' << note << '\n';
  return ToInt(StatusExitCode(record));
}

}  // namespace

void AddStatusCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* status = app.add_subcommand(
      "status",
      "Show each stage of a plan on a database: pending, running, done, failed, interrupted, "
      "rolled back");
  CLI::Option* plan = status->add_option("plan", options->path, "The plan file (TOML)")->required();
  AddTargetOptions(*status, options->target, plan);
  status->add_flag("--json", options->json, "Print the status as JSON (as --format json)");
  status->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  status->add_option("--fleet", options->fleet,
                     "Show every target of this fleet file: its state and last done stage, one "
                     "row each");
  status
      ->add_option("--config", options->config, "Use this pgshift.toml instead of searching upward")
      ->check(CLI::ExistingFile);
  status->footer(
      "Exit codes: 0 shown, 1 shown and a stage has failed, 2 bad plan, fleet file or usage,\n"
      "3 the database (with --fleet: any target) could not be read; the others are still shown.");
  status->callback([options, &exit_code] { exit_code = Status(*options); });
}

}  // namespace pgshift::cli
