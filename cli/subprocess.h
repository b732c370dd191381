// Runs a program with arguments and captures what it prints: how the command line asks git about
// a release. Feeds standard input and drains both outputs together, so no pipe fills up.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pgshift::cli {

struct SubprocessResult {
  bool started = false;  // false when the program could not be run at all
  int exit_code = -1;    // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

struct SubprocessOptions {
  std::string stdin_data;
  std::map<std::string, std::string> env;  // added to (or replacing in) the environment
  std::string cwd;
};

SubprocessResult RunSubprocess(const std::vector<std::string>& argv,
                               const SubprocessOptions& options = {});

}  // namespace pgshift::cli
