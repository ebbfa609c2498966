// libFuzzer entry point of the config harness (the body is aelab::fuzz::config in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::config(data, size);
  return 0;
}
