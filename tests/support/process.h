// Runs a program with arguments, feeds its stdin, and captures stdout, stderr and exit code.
// For end-to-end tests of the pgshift binary.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pgshift::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string stdin_data;
  std::map<std::string, std::string> env;  // added to (or replacing in) the environment
  std::string cwd;
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The pgshift binary under test.
ProcessResult RunPgshift(const std::vector<std::string>& args, const ProcessOptions& options = {});

}  // namespace pgshift::testing
