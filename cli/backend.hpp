#pragma once
// The execution backends (docs/DISTRIBUTED.md): "local", this process alone, and "scalapack", the
// processes an MPI launcher started, on a BLACS grid (only in a build with AELAB_DISTRIBUTED).
#include <functional>
#include <string>

#include "core/eval/evaluation.hpp"

namespace aelab::cli {

// How many processes a launcher says it started (Open MPI's OMPI_COMM_WORLD_SIZE; PMI_SIZE, set by
// MPICH's Hydra and by srun --mpi=pmi2); 1 when none.
int launched_processes();

// Throws "<what> runs on one process, but the launcher started P ..." when P > 1: P copies of a
// single-process command would each write the same results.
void refuse_parallel_launch(const std::string& what);

// Whether this build has the scalapack backend.
bool scalapack_available();

// `aelab eval --backend scalapack`: MPI session, near-square grid of `block`-sized blocks, the data
// loaded by `load` on every process (described as `data` in progress lines), the evaluation on every
// process, printed by rank 0 alone (`print` gets the result there).
int eval_on_scalapack(const std::function<SplitData()>& load, const std::string& data, const std::string& solver_name,
                      const ParamSet& params,
                      const EvaluationOptions& options, int block,
                      const std::function<void(const SolverEvaluation&, const SplitData&, double)>& print);

}  // namespace aelab::cli
