// libFuzzer entry point of the point harness (the body is aelab::fuzz::point in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::point(data, size);
  return 0;
}
