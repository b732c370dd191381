// The command lines of the container sandbox provider, as pure functions so that tests can check
// them without an engine: docker and podman take the same arguments here.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgshift::runner {

using Argv = std::vector<std::string>;

// Starts the image detached, trusting loopback connections, with its port 5432 published on a
// free port of 127.0.0.1 chosen by the engine.
Argv ContainerRunCommand(const std::string& engine, const std::string& image,
                         const std::string& name);
// Asks which host port the engine published for 5432/tcp.
Argv ContainerPortCommand(const std::string& engine, const std::string& name);
// Asks the server inside whether it accepts TCP connections (the image's init phase listens on
// the socket only, so a TCP answer means the final server is up).
Argv ContainerReadyCommand(const std::string& engine, const std::string& name);
// Removes the container and its anonymous volumes, running or not.
Argv ContainerRemoveCommand(const std::string& engine, const std::string& name);
// Asks whether the engine's daemon (or podman's runtime) answers.
Argv ContainerInfoCommand(const std::string& engine);

// The host port in `port` output ("127.0.0.1:49153", possibly several lines), if any.
std::optional<int> ParsePublishedPort(const std::string& output);

// A name for a new sandbox container: pgshift-sandbox-<random>.
std::string NewContainerName();

}  // namespace pgshift::runner
