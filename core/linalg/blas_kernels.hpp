#pragma once
// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels from the CPU's model number. Virtual
// machines that report a generic model ("Intel(R) Xeon(R) Processor") get the Prescott (SSE3) kernels
// although the CPU has AVX2 or AVX-512: measured here, sgemm at n = 3,000 ran 5x slower with them
// (docs/BENCHMARKS.md). The choice is made once when the library loads, so it can only be corrected
// in the environment of a new process: OPENBLAS_CORETYPE.
#include <optional>
#include <string>

namespace aelab {

// The kernels OpenBLAS uses in this process ("Prescott", "Haswell", "SkylakeX", ...).
std::string blas_core_name();

// The OPENBLAS_CORETYPE to start a new process with when OpenBLAS chose kernels older than the
// instruction sets this CPU and OS support ("SkylakeX" for AVX-512, "Haswell" for AVX2 + FMA);
// nullopt when its choice is right, when OPENBLAS_CORETYPE is already set, or when the core name is
// not one of the known older kernels (a newer name is never downgraded).
std::optional<std::string> better_blas_core_type();

// Re-executes this program with OPENBLAS_CORETYPE set when better_blas_core_type() says so (once:
// AELAB_BLAS_CORETYPE_SET marks the new process), except under an MPI launcher (Open MPI cannot
// initialise an exec'd process; give mpirun -x OPENBLAS_CORETYPE=... instead). Returns only when no
// re-execution happened.
void reexec_with_better_blas_kernels(char** argv);

}  // namespace aelab
