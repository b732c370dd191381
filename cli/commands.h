// Each subcommand registers itself on the application and, when chosen, stores its exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace pgshift::cli {

void AddLintCommand(CLI::App& app, int& exit_code);
void AddBaselineCommand(CLI::App& app, int& exit_code);  // in lint_command.cpp: same inputs
void AddRulesCommands(CLI::App& app, int& exit_code);  // `rules` and `explain`
void AddSandboxCommand(CLI::App& app, int& exit_code);  // `sandbox start|stop|url`
void AddPlanCommand(CLI::App& app, int& exit_code);
// `pgshift plan new`, a subcommand of `plan` (cli/plan_new_command.cpp).
CLI::App* AddPlanNewCommand(CLI::App& plan, int& exit_code);
void AddRunCommand(CLI::App& app, int& exit_code);
void AddStatusCommand(CLI::App& app, int& exit_code);
void AddRollbackCommand(CLI::App& app, int& exit_code);
void AddHistoryCommand(CLI::App& app, int& exit_code);
void AddReportCommand(CLI::App& app, int& exit_code);
void AddTraceCommand(CLI::App& app, int& exit_code);
void AddLocksCommand(CLI::App& app, int& exit_code);
void AddSnapshotCommand(CLI::App& app, int& exit_code);
void AddLspCommand(CLI::App& app, int& exit_code);  // the language server

}  // namespace pgshift::cli
