#include "tests/support/process.h"

#include <cstdlib>

namespace pgshift::testing {

namespace {

std::string Binary() {
  // PGSHIFT_TEST_BINARY: another pgshift to test, such as the packaged one (tests/CMakeLists.txt).
  const char* other = std::getenv("PGSHIFT_TEST_BINARY");
  return other != nullptr && *other != '\0' ? other : PGSHIFT_BINARY;
}

}  // namespace

ProcessResult RunPgshift(const std::vector<std::string>& args, const ProcessOptions& options) {
  std::vector<std::string> argv{Binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

ProcessResult RunPgshiftMerged(const std::vector<std::string>& args,
                               const ProcessOptions& options) {
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", Binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

}  // namespace pgshift::testing
