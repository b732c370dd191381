#include "tests/support/process.h"

namespace pgshift::testing {

ProcessResult RunPgshift(const std::vector<std::string>& args, const ProcessOptions& options) {
  std::vector<std::string> argv{PGSHIFT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

}  // namespace pgshift::testing
