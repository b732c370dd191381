#include "tests/support/process.h"

#include <cstdlib>

namespace pgshift::testing {

ProcessResult RunPgshift(const std::vector<std::string>& args, const ProcessOptions& options) {
  // PGSHIFT_TEST_BINARY: another pgshift to test, such as the packaged one (tests/CMakeLists.txt).
  const char* other = std::getenv("PGSHIFT_TEST_BINARY");
  std::vector<std::string> argv{other != nullptr && *other != '\0' ? other : PGSHIFT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

}  // namespace pgshift::testing
