// `pgshift sandbox start|stop|url`: a throwaway PostgreSQL for rehearsing a plan.
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_code.h"
#include "runner/sandbox_state.h"

namespace pgshift::cli {
namespace {

struct SandboxCommandOptions {
  std::string name = "default";
  runner::SandboxOptions start;
};

int Start(const SandboxCommandOptions& options) {
  const auto existing = runner::LoadSandboxState(options.name);
  if (const auto* info = std::get_if<runner::SandboxInfo>(&existing)) {
    if (!runner::WaitUntilReady(info->url, 1)) {
      std::cerr << "pgshift sandbox: `" << options.name << "` is already running at " << info->url
                << " (stop it first, or pass --name)\n";
      return ToInt(ExitCode::kUsage);
    }
    runner::StopSandbox(*info);  // a leftover whose server is gone: clean it up
    runner::ForgetSandboxState(options.name);
  }
  const auto started = runner::StartSandbox(options.start);
  if (const auto* error = std::get_if<runner::SandboxError>(&started)) {
    std::cerr << "pgshift sandbox: " << error->message << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  const auto& info = std::get<runner::SandboxInfo>(started);
  if (auto error = runner::SaveSandboxState(options.name, info)) {
    runner::StopSandbox(info);
    std::cerr << "pgshift sandbox: " << error->message << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  std::cout << info.url << '\n';
  std::cerr << "pgshift sandbox: `" << options.name << "` started ("
            << (info.engine == "local" ? "local, " + info.directory
                                       : info.engine + " " + info.container)
            << "); stop it with `pgshift sandbox stop"
            << (options.name == "default" ? "" : " --name " + options.name) << "`\n";
  return ToInt(ExitCode::kClean);
}

int Stop(const SandboxCommandOptions& options) {
  const auto loaded = runner::LoadSandboxState(options.name);
  if (const auto* error = std::get_if<runner::SandboxError>(&loaded)) {
    std::cerr << "pgshift sandbox: " << error->message << '\n';
    return ToInt(ExitCode::kUsage);
  }
  if (auto error = runner::StopSandbox(std::get<runner::SandboxInfo>(loaded))) {
    std::cerr << "pgshift sandbox: " << error->message << '\n';
    return ToInt(ExitCode::kUnreadable);
  }
  runner::ForgetSandboxState(options.name);
  std::cerr << "pgshift sandbox: `" << options.name << "` stopped and removed\n";
  return ToInt(ExitCode::kClean);
}

int Url(const SandboxCommandOptions& options) {
  const auto loaded = runner::LoadSandboxState(options.name);
  if (const auto* error = std::get_if<runner::SandboxError>(&loaded)) {
    std::cerr << "pgshift sandbox: " << error->message << '\n';
    return ToInt(ExitCode::kUsage);
  }
  std::cout << std::get<runner::SandboxInfo>(loaded).url << '\n';
  return ToInt(ExitCode::kClean);
}

}  // namespace

void AddSandboxCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SandboxCommandOptions>();
  CLI::App* sandbox =
      app.add_subcommand("sandbox", "Start, stop or locate a throwaway PostgreSQL for rehearsals");
  sandbox->require_subcommand(1);
  CLI::App* start = sandbox->add_subcommand("start", "Start a sandbox server and print its URL");
  CLI::App* stop = sandbox->add_subcommand("stop", "Stop the sandbox server and remove its data");
  CLI::App* url = sandbox->add_subcommand("url", "Print the running sandbox's URL");
  for (CLI::App* sub : {start, stop, url}) {
    sub->add_option("--name", options->name, "Which sandbox (several can run at once)")
        ->capture_default_str();
  }
  start->add_option("--seed", options->start.seed_file, "SQL file to run once the server is ready")
      ->check(CLI::ExistingFile);
  start
      ->add_option("--engine", options->start.engine,
                   "local (the machine's server binaries), docker or podman")
      ->check(CLI::IsMember({"local", "docker", "podman"}))
      ->capture_default_str();
  start->add_option("--image", options->start.image, "Server image for --engine docker|podman")
      ->capture_default_str();
  start->add_option("--bin-dir", options->start.bin_dir,
                    "Local server binaries (default: newest /usr/lib/postgresql/*/bin)");
  start
      ->add_option("--user", options->start.user,
                   "When run as root, the user that owns and runs the local server")
      ->capture_default_str();
  sandbox->footer(
      "The local sandbox lives in a fresh temporary directory on a free port of 127.0.0.1,\n"
      "with trust authentication. Its URL has no password. Exit codes: 0 done, 2 usage\n"
      "(no such sandbox, already running), 3 the server could not be started or stopped.");
  start->callback([options, &exit_code] { exit_code = Start(*options); });
  stop->callback([options, &exit_code] { exit_code = Stop(*options); });
  url->callback([options, &exit_code] { exit_code = Url(*options); });
}

}  // namespace pgshift::cli
