#include "cli/backend.hpp"

#include <cstdlib>
#include <functional>

#include "core/data/vae_cf.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"
#include "solvers/builtin.hpp"

#ifdef AELAB_DISTRIBUTED
#include "core/distributed/mpi_session.hpp"
#include "core/distributed/process_grid.hpp"
#include "core/distributed/solver_evaluation.hpp"
#endif

namespace aelab::cli {

int launched_processes() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* value = std::getenv(name);
    if (value && *value) {
      const int n = std::atoi(value);
      if (n > 0) return n;
    }
  }
  return 1;
}

void refuse_parallel_launch(const std::string& what) {
  const int p = launched_processes();
  if (p > 1)
    throw Error(what + " runs on one process, but the launcher started " + std::to_string(p) +
                " (run it without mpirun/srun, or choose the scalapack backend where there is one)");
}

bool scalapack_available() {
#ifdef AELAB_DISTRIBUTED
  return true;
#else
  return false;
#endif
}

int eval_on_scalapack(const std::function<SplitData()>& load_split, const std::string& data, const std::string& solver_name,
                      const ParamSet& params,
                      const EvaluationOptions& options, int block,
                      const std::function<void(const SolverEvaluation&, const SplitData&, double)>& print) {
#ifdef AELAB_DISTRIBUTED
  distributed::MpiSession session(nullptr, nullptr);
  return distributed::run_or_abort([&] {
    const distributed::ProcessGrid grid;
    const Registry registry = builtin_registry();
    // Every process reads the split itself: X is needed whole everywhere (docs/DISTRIBUTED.md).
    Timer load;
    SplitData split;
    std::string failure;
    try {
      split = load_split();
    } catch (const Error& e) {
      failure = e.what();
    }
    distributed::agree_on_failure(failure);
    const double load_seconds = load.seconds();
    EvaluationOptions quiet = options;
    if (!session.is_root()) quiet.log = nullptr;
    if (quiet.log) quiet.log("read " + data + " on each of " + std::to_string(session.size()) + " processes (grid " +
                             std::to_string(grid.rows()) + " x " + std::to_string(grid.cols()) + ", block " +
                             std::to_string(block) + ")");
    const SolverEvaluation evaluation = distributed::evaluate_solver_distributed(
        split, registry.get(solver_name), params, registry, quiet, grid, block);
    if (session.is_root()) print(evaluation, split, load_seconds);
    return 0;
  });
#else
  (void)load_split, (void)data, (void)solver_name, (void)params, (void)options, (void)block, (void)print;
  throw Error("--backend scalapack: this aelab was built without AELAB_DISTRIBUTED (needs MPI and ScaLAPACK, "
              "scripts/install-deps.sh)");
#endif
}

}  // namespace aelab::cli
