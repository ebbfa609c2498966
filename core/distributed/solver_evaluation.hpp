#pragma once
// `aelab eval --backend scalapack`: the evaluation of core/eval/evaluation.hpp with the fit and the
// scoring on a process grid. Only solvers that declare their model as W_S = I - C S
// (SolverTraits::shrinkage) run here: their model is computed by core/distributed/closed_form at
// rank full (scored block-cyclic) or, when they declare shrinkage_ranks, at a finite rank (factors
// gathered, scored by the local code). Every process returns the same result.
#include <string>

#include "core/distributed/block_cyclic_matrix.hpp"
#include "core/eval/evaluation.hpp"

namespace aelab::distributed {

// "" when `solver` at `params` runs on the ScaLAPACK backend (float64 or float32); otherwise why not,
// as one line naming the solvers of `registry` that would.
std::string backend_refusal(const Solver& solver, const ParamSet& params, const Registry& registry);

// Throws aelab::Error with backend_refusal's line for a solver that cannot run here.
SolverEvaluation evaluate_solver_distributed(const SplitData& split, const Solver& solver, const ParamSet& params,
                                             const Registry& registry, const EvaluationOptions& options,
                                             const ProcessGrid& grid, int block = kDefaultBlock);

}  // namespace aelab::distributed
