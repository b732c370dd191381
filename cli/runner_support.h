// What the runner's subcommands (plan, run, status, rollback) share: reading and checking the
// plan with the configuration that applies to it, and choosing the target database.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cli/config.h"
#include "runner/plan.h"
#include "runner/plan_review.h"

namespace pgshift::cli {

struct LoadedPlan {
  runner::Plan plan;
  runner::PlanReview review;
  Config config;
};

// Reads the plan, finds pgshift.toml from its directory upward (or `config_path`), and reviews
// every statement. On failure prints every error and sets `exit_code` (2: bad plan or config).
std::optional<LoadedPlan> LoadCheckedPlan(const std::string& path, const std::string& config_path,
                                          int pg_version, const std::string& command, int& exit_code);

// The options every runner command takes to name its target.
struct TargetOptions {
  std::string db;
  std::optional<std::string> sandbox;  // --sandbox [NAME]
};
void AddTargetOptions(CLI::App& command, TargetOptions& target);

// The URL to connect to, or nullopt after printing why (exit code 2).
std::optional<std::string> ResolveTarget(const TargetOptions& target, const std::string& command,
                                         int& exit_code);

}  // namespace pgshift::cli
