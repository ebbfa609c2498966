// The main of every test binary: doctest's, except that a run in which a test case skipped for
// absent data (tests/test_support.hpp) and none failed exits with kSkipReturnCode, which CTest
// reports as "skipped" rather than "passed". Like aelab, a test binary restarts itself with OpenBLAS's
// better kernels when the library chose generic ones (core/linalg/blas_kernels.hpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "core/linalg/blas_kernels.hpp"
#include "tests/test_support.hpp"

int main(int argc, char** argv) {
  aelab::reexec_with_better_blas_kernels(argv);
  doctest::Context context(argc, argv);
  const int status = context.run();
  if (context.shouldExit() || status != 0) return status;
  return aelab::test::skipped_cases() > 0 ? aelab::test::kSkipReturnCode : 0;
}
