// `pgshift history`: the local journal's timeline of every run and rollback on every target.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/runner_support.h"
#include "runner/settings.h"

namespace pgshift::cli {
namespace {

struct HistoryOptions {
  std::string journal, plan, format = "text";
  int limit = 20;
  bool json = false, batches = false;
};

int History(const HistoryOptions& options) {
  auto journal = OpenJournal(options.journal, workspace::Config{});
  if (!journal) return ToInt(ExitCode::kUnreadable);
  std::vector<runner::JournalRun> runs;
  try {
    runs = journal->Runs(options.limit, options.plan);
  } catch (const std::exception& e) {
    std::cerr << "pgshift history: cannot read the journal: " << e.what() << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  if (options.json || options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const runner::JournalRun& run : runs) {
      out.push_back({{"id", run.id},
                     {"command", run.command},
                     {"plan", run.plan_id},
                     {"target", run.target},
                     {"runner", run.runner},
                     {"started_at", run.started_at},
                     {"finished_at", run.finished_at},
                     {"duration_ms", run.duration_ms},
                     {"outcome", run.outcome},
                     {"message", run.message},
                     {"events", run.events}});
    }
    std::cout << out.dump(2) << '\n';
    return ToInt(ExitCode::kClean);
  }
  if (runs.empty()) std::cout << "the journal holds no runs yet\n";
  // Oldest first reads as a timeline.
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    const runner::JournalRun& run = *it;
    std::cout << '#' << run.id << "  " << run.started_at << "  " << run.command << ' '
              << run.plan_id << " on " << run.target << "  (" << run.runner << ")\n";
    std::size_t batches = 0;
    for (const nlohmann::json& event : run.events) {
      if (event["kind"] == "batch" && !options.batches) {
        ++batches;
        continue;
      }
      const std::string stage = event["stage"];
      const std::string message = event["message"];
      std::cout << "  " << event["at"].get<std::string>().substr(11) << "  "
                << event["kind"].get<std::string>() << (stage.empty() ? "" : " " + stage)
                << (message.empty() ? "" : ": " + message);
      if (event["duration_ms"].is_number() && event["kind"] != "stage-done") {
        std::cout << " ["
                  << runner::FormatDuration(runner::Millis(event["duration_ms"].get<long long>()))
                  << "]";
      }
      std::cout << '\n';
    }
    if (batches > 0) std::cout << "  (" << batches << " backfill batches; --batches lists them)\n";
    if (run.outcome == "running") {
      std::cout << "  -> no end recorded: still running, or the runner was killed\n\n";
    } else {
      std::cout << "  -> " << run.outcome << " after "
                << runner::FormatDuration(runner::Millis(std::max(0LL, run.duration_ms))) << "\n\n";
    }
  }
  return ToInt(ExitCode::kClean);
}

}  // namespace

void AddHistoryCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* history = app.add_subcommand(
      "history", "Show the local journal: every run and rollback, on every target");
  history->add_flag("--json", options->json, "Print the runs and their events as JSON (as --format json)");
  history->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  history->add_option("--plan", options->plan, "Only runs of this plan id");
  history->add_option("--limit", options->limit, "Most recent runs to show")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  history->add_flag("--batches", options->batches, "Also list every backfill batch");
  history->add_option(
      "--journal", options->journal,
      "SQLite journal (default: $PGSHIFT_JOURNAL, else $XDG_STATE_HOME/pgshift/journal.db)");
  history->callback([options, &exit_code] { exit_code = History(*options); });
}

}  // namespace pgshift::cli
