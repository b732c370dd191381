// `pgshift report`: one journaled run (a fleet's every target, or a single run's target) as one
// self-contained HTML page with a timeline per target, to attach to a change record.
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/runner_support.h"
#include "runner/run_report.h"

namespace pgshift::cli {
namespace {

struct ReportOptions {
  std::string journal, output;
  long long run = 0;
  bool last = false;
};

int Report(const ReportOptions& options) {
  auto journal = OpenJournal(options.journal, workspace::Config{});
  if (!journal) return ToInt(ExitCode::kUnreadable);
  std::optional<runner::JournalRun> run;
  try {
    if (options.run > 0) {
      run = journal->Run(options.run);
      if (!run) {
        std::cerr << "pgshift report: the journal has no run #" << options.run
                  << "; `pgshift history` lists them\n";
        return ToInt(ExitCode::kUsage);
      }
    } else {
      std::vector<runner::JournalRun> runs = journal->Runs(1, "");
      if (runs.empty()) {
        std::cerr << "pgshift report: the journal holds no runs yet\n";
        return ToInt(ExitCode::kUsage);
      }
      run = std::move(runs.front());
    }
  } catch (const std::exception& e) {
    std::cerr << "pgshift report: cannot read the journal: " << e.what() << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  const std::string page = runner::RenderRunReport(*run);
  if (options.output == "-") {
    std::cout << page;
    return ToInt(ExitCode::kClean);
  }
  const std::string path = options.output.empty()
                               ? "pgshift-report-" + std::to_string(run->id) + ".html"
                               : options.output;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << page;
  out.close();
  if (!out) {
    std::cerr << "pgshift report: " << path << ": cannot write the report\n";
    return ToInt(ExitCode::kUnreadable);
  }
  std::cout << "wrote " << path << " (run #" << run->id << ", " << run->command << ' '
            << run->plan_id << " on " << run->target << ")\n";
  return ToInt(ExitCode::kClean);
}

}  // namespace

void AddReportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* report = app.add_subcommand(
      "report",
      "Write one journaled run as a self-contained HTML page: a timeline per target (stages, "
      "batches, lock retries, throttling, gates and soaks) to attach to a change record");
  auto* run = report->add_option("--run", options->run, "The run's id, as `pgshift history` shows")
                  ->check(CLI::PositiveNumber);
  report->add_flag("--last", options->last, "The most recent run (the default)")->excludes(run);
  report->add_option("-o,--output", options->output,
                     "Where to write the page (default: pgshift-report-ID.html; - for stdout)");
  report->add_option(
      "--journal", options->journal,
      "SQLite journal (default: $PGSHIFT_JOURNAL, else $XDG_STATE_HOME/pgshift/journal.db)");
  report->callback([options, &exit_code] { exit_code = Report(*options); });
}

}  // namespace pgshift::cli
