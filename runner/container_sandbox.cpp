// The container sandbox provider: `docker` or `podman` runs a server image.
#include <chrono>
#include <thread>

#include "runner/container_commands.h"
#include "runner/process.h"
#include "runner/sandbox.h"

namespace pgshift::runner {
namespace {

std::string Output(const ProcessResult& result) {
  if (!result.started) return result.error;
  std::string text = result.err.empty() ? result.out : result.err;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text.size() > 1500 ? text.substr(0, 1500) + "..." : text;
}

}  // namespace

std::variant<SandboxInfo, SandboxError> StartContainerSandbox(const SandboxOptions& options) {
  if (options.engine != "docker" && options.engine != "podman") {
    return SandboxError{"unknown engine `" + options.engine + "` (local, docker or podman)"};
  }
  if (options.image.empty()) return SandboxError{"--engine " + options.engine + " needs --image"};
  const ProcessResult info = RunProcess(ContainerInfoCommand(options.engine));
  if (info.exit_code != 0) {
    return SandboxError{options.engine + " is not usable here: " +
                        (info.started ? Output(info) : "not installed (" + info.error + ")")};
  }
  SandboxInfo sandbox;
  sandbox.engine = options.engine;
  sandbox.container = NewContainerName();
  const Argv run = ContainerRunCommand(options.engine, options.image, sandbox.container);
  const ProcessResult started = RunProcess(run);
  if (started.exit_code != 0) {
    StopContainerSandbox(sandbox);
    return SandboxError{CommandLine(run) + " failed: " + Output(started)};
  }
  const ProcessResult port = RunProcess(ContainerPortCommand(options.engine, sandbox.container));
  const auto published = ParsePublishedPort(port.out);
  if (!published) {
    StopContainerSandbox(sandbox);
    return SandboxError{"the engine published no port for 5432/tcp: " + Output(port)};
  }
  sandbox.port = *published;
  sandbox.url = "postgresql://postgres@127.0.0.1:" + std::to_string(sandbox.port) + "/postgres";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.ready_timeout_seconds);
  while (RunProcess(ContainerReadyCommand(options.engine, sandbox.container)).exit_code != 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      StopContainerSandbox(sandbox);
      return SandboxError{"the container's server was not ready after " +
                          std::to_string(options.ready_timeout_seconds) + " s"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (auto error = WaitUntilReady(sandbox.url, options.ready_timeout_seconds)) {
    StopContainerSandbox(sandbox);
    return *error;
  }
  return sandbox;
}

std::optional<SandboxError> StopContainerSandbox(const SandboxInfo& info) {
  const Argv remove = ContainerRemoveCommand(info.engine, info.container);
  const ProcessResult removed = RunProcess(remove);
  if (removed.exit_code != 0)
    return SandboxError{CommandLine(remove) + " failed: " + Output(removed)};
  return std::nullopt;
}

}  // namespace pgshift::runner
