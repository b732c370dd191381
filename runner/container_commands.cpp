#include "runner/container_commands.h"

#include <random>
#include <sstream>

namespace pgshift::runner {

Argv ContainerRunCommand(const std::string& engine, const std::string& image,
                         const std::string& name) {
  return {engine,
          "run",
          "--detach",
          "--name",
          name,
          "--label",
          "pgshift.sandbox=1",
          "--env",
          "POSTGRES_HOST_AUTH_METHOD=trust",
          "--publish",
          "127.0.0.1::5432",
          image,
          "-c",
          "fsync=off",
          "-c",
          "full_page_writes=off",
          "-c",
          "synchronous_commit=off"};
}

Argv ContainerPortCommand(const std::string& engine, const std::string& name) {
  return {engine, "port", name, "5432/tcp"};
}

Argv ContainerReadyCommand(const std::string& engine, const std::string& name) {
  return {engine, "exec", name, "pg_isready", "--host", "127.0.0.1", "--username", "postgres"};
}

Argv ContainerRemoveCommand(const std::string& engine, const std::string& name) {
  return {engine, "rm", "--force", "--volumes", name};
}

Argv ContainerInfoCommand(const std::string& engine) { return {engine, "info"}; }

std::optional<int> ParsePublishedPort(const std::string& output) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t colon = line.rfind(':');
    if (colon == std::string::npos) continue;
    int port = 0;
    std::size_t i = colon + 1;
    for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
      port = port * 10 + (line[i] - '0');
    if (i == colon + 1 || port <= 0 || port > 65535) continue;
    return port;
  }
  return std::nullopt;
}

std::string NewContainerName() {
  std::random_device random;
  std::ostringstream name;
  name << "pgshift-sandbox-" << std::hex << random() << random();
  return name.str();
}

}  // namespace pgshift::runner
