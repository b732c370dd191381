#include "tests/support/process.h"

#include "cli/subprocess.h"

namespace pgshift::testing {

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  const cli::SubprocessResult run =
      cli::RunSubprocess(argv, {options.stdin_data, options.env, options.cwd});
  ProcessResult result;
  result.exit_code = run.started ? run.exit_code : 127;
  result.signal = run.signal;
  result.out = run.out;
  result.err = run.err;
  return result;
}

ProcessResult RunPgshift(const std::vector<std::string>& args, const ProcessOptions& options) {
  std::vector<std::string> argv{PGSHIFT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

}  // namespace pgshift::testing
