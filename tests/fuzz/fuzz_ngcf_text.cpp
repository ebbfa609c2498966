// libFuzzer entry point of the ngcf_text harness (the body is aelab::fuzz::ngcf_text in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::ngcf_text(data, size);
  return 0;
}
