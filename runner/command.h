// Runs an external program (initdb, pg_ctl, a container engine), optionally as another user,
// and captures its output. The sandbox's only way to start processes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgshift::runner {

struct CommandResult {
  int exit_code = -1;  // -1 when it could not be started or was killed by a signal
  std::string out;
  std::string err;
  bool started = false;
};

struct CommandOptions {
  std::optional<std::string> as_user;  // switch to this user (only when running as root)
  std::string cwd;
};

CommandResult RunCommand(const std::vector<std::string>& argv, const CommandOptions& options = {});

// "initdb -D /tmp/x" with arguments quoted where needed, for messages.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace pgshift::runner
