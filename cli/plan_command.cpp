// `pgshift plan PLAN`: reads and checks a plan and shows what `run` would do, without a database.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "cli/runner_support.h"
#include "runner/plan_render.h"

namespace pgshift::cli {

void AddPlanCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string path, config, format = "text";
    int pg_version = 0;
  };
  auto options = std::make_shared<Options>();
  CLI::App* plan = app.add_subcommand(
      "plan",
      "Check a plan and show its stages, statements, locks, lint verdicts, gates and rollbacks");
  plan->add_option("plan", options->path, "The plan file (TOML)");
  plan->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  plan->add_option("--config", options->config, "Use this pgshift.toml instead of searching upward")
      ->check(CLI::ExistingFile);
  plan->add_option("--pg-version", options->pg_version,
                   "Target PostgreSQL major version for locks and lint")
      ->check(CLI::Range(10, 18));
  plan->footer(
      "Needs no database. Exit codes: 0 the plan is valid, 2 it is not (every error is\n"
      "printed with its file, line and key), 3 the file cannot be read.\n"
      "`pgshift plan new MIGRATION.sql` writes a plan from a migration (see its --help).");
  CLI::App* plan_new = AddPlanNewCommand(*plan, exit_code);
  plan->require_subcommand(0, 1);
  plan->callback([options, plan, plan_new, &exit_code] {
    if (plan->got_subcommand(plan_new)) return;
    if (options->path.empty()) throw CLI::RequiredError("plan");
    auto loaded =
        LoadCheckedPlan(options->path, options->config, options->pg_version, "plan", exit_code);
    if (!loaded) return;
    if (options->format == "json") {
      std::cout << runner::PlanJson(loaded->plan, loaded->review).dump(2) << '\n';
    } else {
      runner::RenderPlanText(loaded->plan, loaded->review, std::cout);
    }
    exit_code = ToInt(ExitCode::kClean);
  });
}

}  // namespace pgshift::cli
