// libFuzzer entry point of the npz harness (the body is aelab::fuzz::npz in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::npz(data, size);
  return 0;
}
