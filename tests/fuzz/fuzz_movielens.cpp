// libFuzzer entry point of the movielens harness (the body is aelab::fuzz::movielens in fuzz_targets.hpp).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aelab::fuzz::movielens(data, size);
  return 0;
}
