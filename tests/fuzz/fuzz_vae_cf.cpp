// libFuzzer entry point of the vae_cf harness (the body is aelab::fuzz::vae_cf in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::vae_cf(data, size);
  return 0;
}
