// libFuzzer entry point of the citeulike harness (the body is aelab::fuzz::citeulike in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::citeulike(data, size);
  return 0;
}
