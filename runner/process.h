// Runs a program with arguments and captures what it prints: the one way pgshift starts a
// process (initdb and pg_ctl for the sandbox, a container engine, git, the tests' pgshift).
// In runner/ because that is the lowest layer that starts programs and cli/ may depend on it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgshift::runner {

struct ProcessOptions {
  std::string stdin_data;                  // fed to its standard input, which then ends
  std::map<std::string, std::string> env;  // added to (or replacing in) the environment
  std::string cwd;                         // run in this directory
  std::optional<std::string> as_user;      // run as this user; only applies when we are root
};

struct ProcessResult {
  bool started = false;  // false when the program could not be run at all: `error` says why
  int exit_code = -1;    // -1 when it did not start or a signal ended it
  int signal = 0;        // the signal that ended it, or 0
  std::string out;
  std::string err;
  std::string error;  // why it did not start: "cannot run initdb: No such file or directory"
};

// Feeds standard input and drains both outputs together, so that no pipe fills up; safe to call
// from several threads at once.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// "initdb -D /tmp/x" with arguments quoted where needed, for messages.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace pgshift::runner
