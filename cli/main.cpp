// pgshift: a schema-migration safety tool for PostgreSQL. This file only wires subcommands.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/build_info.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "rules/closest_name.h"

int main(int argc, char** argv) {
  using namespace pgshift::cli;
  CLI::App app{"pgshift: migrations for PostgreSQL without downtime.\n"
               "lint checks migration SQL for locks, rewrites and breaking changes;\n"
               "run applies a change in expand, backfill, switch and contract stages."};
  app.set_version_flag("-V,--version", VersionText());
  app.require_subcommand(1);
  int exit_code = ToInt(ExitCode::kClean);
  AddLintCommand(app, exit_code);
  AddBaselineCommand(app, exit_code);
  AddRulesCommands(app, exit_code);
  AddLocksCommand(app, exit_code);
  AddPlanCommand(app, exit_code);
  AddRunCommand(app, exit_code);
  AddStatusCommand(app, exit_code);
  AddRollbackCommand(app, exit_code);
  AddHistoryCommand(app, exit_code);
  AddReportCommand(app, exit_code);
  AddSandboxCommand(app, exit_code);
  AddTraceCommand(app, exit_code);
  AddSnapshotCommand(app, exit_code);
  AddLspCommand(app, exit_code);
  // A mistyped command: name the nearest one rather than CLI11's "not expected".
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
    const std::string typed = argv[1];
    if (std::find(names.begin(), names.end(), typed) == names.end()) {
      std::cerr << "pgshift: unknown command `" << typed << "`"
                << pgshift::rules::DidYouMean(typed, names) << "; see pgshift --help\n";
      return ToInt(ExitCode::kUsage);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return ToInt(ExitCode::kUsage);
  }
  return exit_code;
}
