#include "cli/runner_support.h"

#include <cstdlib>
#include <iostream>

#include "cli/exit_code.h"
#include "runner/sandbox_state.h"

namespace pgshift::cli {

std::optional<LoadedPlan> LoadCheckedPlan(const std::string& path, const std::string& config_path,
                                          int pg_version, const std::string& command, int& exit_code) {
  auto read = runner::ReadPlanFile(path);
  if (auto* errors = std::get_if<runner::PlanErrors>(&read)) {
    for (const std::string& message : errors->messages) std::cerr << message << '\n';
    std::cerr << "pgshift " << command << ": the plan is invalid; nothing was run\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  LoadedPlan loaded{std::get<runner::Plan>(std::move(read)), {}, {}};
  std::optional<std::filesystem::path> found;
  if (!config_path.empty()) {
    found = config_path;
  } else {
    const std::filesystem::path directory = std::filesystem::path(path).parent_path();
    found = FindConfigFile(directory.empty() ? "." : directory);
  }
  if (found) {
    ConfigResult config = LoadConfigFile(*found);
    if (auto* error = std::get_if<ConfigError>(&config)) {
      std::cerr << "pgshift: " << error->message << '\n';
      exit_code = ToInt(ExitCode::kUsage);
      return std::nullopt;
    }
    loaded.config = std::get<Config>(std::move(config));
  }
  if (pg_version != 0) loaded.config.lint.pg_version = pg_version;
  loaded.review = runner::ReviewPlan(loaded.plan, loaded.config.lint);
  if (!loaded.review.errors.empty()) {
    for (const std::string& message : loaded.review.errors) std::cerr << message << '\n';
    std::cerr << "pgshift " << command << ": the plan is invalid; nothing was run\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  return loaded;
}

void AddTargetOptions(CLI::App& command, TargetOptions& target) {
  command.add_option("--db", target.db, "Target database URL (or $PGSHIFT_DATABASE_URL)");
  command.add_option("--sandbox", target.sandbox,
                     "Use the sandbox started by `pgshift sandbox start` (optionally its --name)")
      ->expected(0, 1)
      ->default_str("default");
}

std::optional<std::string> ResolveTarget(const TargetOptions& target, const std::string& command,
                                         int& exit_code) {
  if (target.sandbox && !target.db.empty()) {
    std::cerr << "pgshift " << command << ": give --db or --sandbox, not both\n";
    exit_code = ToInt(ExitCode::kUsage);
    return std::nullopt;
  }
  if (target.sandbox) {
    const std::string name = target.sandbox->empty() ? "default" : *target.sandbox;
    const auto loaded = runner::LoadSandboxState(name);
    if (const auto* error = std::get_if<runner::SandboxError>(&loaded)) {
      std::cerr << "pgshift " << command << ": " << error->message << '\n';
      exit_code = ToInt(ExitCode::kUsage);
      return std::nullopt;
    }
    return std::get<runner::SandboxInfo>(loaded).url;
  }
  if (!target.db.empty()) return target.db;
  if (const char* env = std::getenv("PGSHIFT_DATABASE_URL"); env != nullptr && *env != '\0') return env;
  std::cerr << "pgshift " << command << ": no target: pass --db URL, --sandbox, or set PGSHIFT_DATABASE_URL\n";
  exit_code = ToInt(ExitCode::kUsage);
  return std::nullopt;
}

}  // namespace pgshift::cli
