#include "core/linalg/blas_kernels.hpp"

#include <unistd.h>

#include <cstdlib>
#include <set>

extern "C" char* openblas_get_corename(void);

namespace aelab {

namespace {

// OpenBLAS core names older than Haswell (x86-64), as openblas_get_corename() spells them.
const std::set<std::string>& older_cores() {
  static const std::set<std::string> names = {"Prescott", "Core2",      "Penryn",    "Dunnington", "Nehalem",
                                              "Atom",     "Sandybridge", "Katmai",    "Coppermine", "Northwood",
                                              "Banias",   "Barcelona",  "Opteron",   "Bobcat",     "Bulldozer",
                                              "Piledriver", "Steamroller", "Excavator", "Unknown"};
  return names;
}

}  // namespace

std::string blas_core_name() {
  const char* name = openblas_get_corename();
  return name ? name : "";
}

std::optional<std::string> better_blas_core_type() {
  if (std::getenv("OPENBLAS_CORETYPE")) return std::nullopt;
  const std::string current = blas_core_name();
  if (!older_cores().count(current)) return std::nullopt;
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  if (avx512) return std::string("SkylakeX");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    if (current == "Haswell") return std::nullopt;
    return std::string("Haswell");
  }
  return std::nullopt;
}

bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

void reexec_with_better_blas_kernels(char** argv) {
  // Open MPI's processes fail in MPI_Init after an exec ("getting local rank failed"); there the
  // launcher passes OPENBLAS_CORETYPE instead (mpirun -x, docs/DISTRIBUTED.md).
  if (std::getenv("AELAB_BLAS_CORETYPE_SET") || started_by_mpi_launcher()) return;
  const std::optional<std::string> core = better_blas_core_type();
  if (!core) return;
  setenv("OPENBLAS_CORETYPE", core->c_str(), 1);
  setenv("AELAB_BLAS_CORETYPE_SET", "1", 1);
  execv("/proc/self/exe", argv);
  // execv failed (no /proc): carry on with the kernels we have.
  unsetenv("OPENBLAS_CORETYPE");
}

}  // namespace aelab
