// A throwaway PostgreSQL for rehearsals and tests. The local provider runs the machine's server
// binaries (initdb, pg_ctl) in a fresh temporary directory on a free port, as an unprivileged user
// when started by root (PostgreSQL refuses root). The container provider runs a server image
// with docker or podman. Both hand back a URL without a password (trust authentication on a
// loopback address).
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace pgshift::runner {

struct SandboxOptions {
  std::string engine = "local";  // local, docker or podman
  std::string image = "postgres:16";
  std::string seed_file;  // SQL run once the server is ready
  std::string bin_dir;    // local: server binaries (default: newest /usr/lib/postgresql/*/bin)
  std::string user = "postgres";  // local, as root: the user that owns and runs the server
  int ready_timeout_seconds = 60;
};

struct SandboxInfo {
  std::string engine;  // local, docker or podman
  std::string url;     // postgresql://postgres@127.0.0.1:PORT/postgres
  int port = 0;
  std::string directory;  // local: the temporary directory (data and socket)
  std::string bin_dir;    // local
  std::string user;       // local: empty when the server runs as the invoking user
  std::string container;  // container: the container's name
};

struct SandboxError {
  std::string message;
};

std::variant<SandboxInfo, SandboxError> StartSandbox(const SandboxOptions& options);
// Stops the server and removes its directory or container.
std::optional<SandboxError> StopSandbox(const SandboxInfo& info);
// Stops and starts the server again on the same port (local only): a server restart mid-run.
std::optional<SandboxError> RestartSandbox(const SandboxInfo& info);

// Waits until the server accepts connections and answers a query.
std::optional<SandboxError> WaitUntilReady(const std::string& url, int timeout_seconds);
// Runs a seed file's SQL against the server.
std::optional<SandboxError> SeedSandbox(const std::string& url, const std::string& seed_file);

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreeLocalPort();

// Local provider (local_sandbox.cpp) and container provider (container_sandbox.cpp).
std::variant<SandboxInfo, SandboxError> StartLocalSandbox(const SandboxOptions& options);
std::optional<SandboxError> StopLocalSandbox(const SandboxInfo& info);
std::variant<SandboxInfo, SandboxError> StartContainerSandbox(const SandboxOptions& options);
std::optional<SandboxError> StopContainerSandbox(const SandboxInfo& info);

}  // namespace pgshift::runner
