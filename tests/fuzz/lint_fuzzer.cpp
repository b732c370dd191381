// libFuzzer entry point: see fuzz_targets.h. Built with -DPGSHIFT_FUZZ=ON (clang); run by ci/fuzz.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgshift::fuzz::LintBytes({reinterpret_cast<const char*>(data), size});
  return 0;
}
