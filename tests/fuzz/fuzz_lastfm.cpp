// libFuzzer entry point of the lastfm harness (the body is aelab::fuzz::lastfm in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::lastfm(data, size);
  return 0;
}
