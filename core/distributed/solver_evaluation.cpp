#include "core/distributed/solver_evaluation.hpp"

#include <mpi.h>

#include "core/distributed/closed_form.hpp"
#include "core/distributed/mpi_session.hpp"
#include "core/distributed/evaluation.hpp"
#include "core/distributed/rank_sweep.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab::distributed {

namespace {

std::string capable_solvers(const Registry& registry) {
  std::string all, full_only;
  for (const Solver* s : registry.in_order()) {
    const SolverTraits t = s->traits();
    if (t.shrinkage == ShrinkageForm::none) continue;
    std::string& list = t.shrinkage_ranks ? all : full_only;
    list += (list.empty() ? "" : ", ") + s->name();
  }
  return (all.empty() ? "none" : all) + (full_only.empty() ? "" : "; at rank full also " + full_only);
}

}  // namespace

std::string backend_refusal(const Solver& solver, const ParamSet& params, const Registry& registry) {
  const SolverTraits t = solver.traits();
  const std::string why = "solver " + solver.name() + " cannot run on the scalapack backend: ";
  const std::string which = " (the scalapack backend runs: " + capable_solvers(registry) + ")";
  if (t.shrinkage == ShrinkageForm::none || !standard_regularizer(params) || !params.has(kRankParam))
    return why + "it has no closed form W = I - C S" + which;
  if (!params.rank(kRankParam).full && !t.shrinkage_ranks)
    return why + "its rank " + std::to_string(params.rank(kRankParam).k) + " model is iterative" + which;
  if (!params.rank(kRankParam).full && params.has(kEigenParam) && params.string(kEigenParam) == "arpack")
    return "solver " + solver.name() + ": eigen \"arpack\" has no distributed form on the scalapack backend; use "
           "\"auto\", \"block\" or \"dense\"";
  return "";
}

namespace {

// What every process checks before the first collective: the same refusal on every process, or
// a node without memory for the shares of all its processes.
std::string precondition_failure(const SplitData& split, const Solver& solver, const ParamSet& params,
                                 const Registry& registry, const EvaluationOptions& options, const ProcessGrid& grid) {
  const std::string refusal = backend_refusal(solver, params, registry);
  if (!refusal.empty()) return refusal;
  if (options.on != "validation" && options.on != "test")
    return "evaluate: expected \"validation\" or \"test\" for the held-out part, got \"" + options.on + "\"";
  const HeldOutSet& held_out = options.on == "test" ? split.test : split.validation;
  if (held_out.n_users() == 0) return "evaluate: the split has no " + options.on + " users";
  const Rank rank = params.rank(kRankParam);
  if (!rank.full && rank.k > split.n_items())
    return "rank: " + std::to_string(rank.k) + " exceeds the number of items (" + std::to_string(split.n_items()) + ")";
  const int local = processes_on_this_node();
  const std::size_t k = rank.full ? 0 : rank.k;
  const EigenOptions eigen = standard_eigen_options(params);
  const std::size_t bytes = closed_form_bytes_per_process(split.n_items(), grid.size(), k, dtype_bytes(options.dtype), eigen);
  // Rank 0's iteration state counted once per node, as if each hosted it.
  const std::size_t extra = closed_form_rank0_extra_bytes(split.n_items(), k, dtype_bytes(options.dtype), eigen);
  try {
    ensure_memory(bytes * static_cast<std::size_t>(local) + extra,
                  "solver " + solver.name() + " on the scalapack backend at n = " + std::to_string(split.n_items()) +
                      " (" + std::to_string(local) + " process(es) on this node of " + std::to_string(grid.size()) + ")",
                  options.force_memory);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

SolverEvaluation evaluate_solver_distributed(const SplitData& split, const Solver& solver, const ParamSet& params,
                                             const Registry& registry, const EvaluationOptions& options,
                                             const ProcessGrid& grid, int block) {
  agree_on_failure(precondition_failure(split, solver, params, registry, options, grid));
  RankSweepRequest request;
  request.solver = &solver;
  request.points = {params};
  request.dtype = options.dtype;
  request.train = &split.train;
  request.parts = {options.on == "test" ? &split.test : &split.validation};
  request.metrics = options.metrics;
  request.batch_users = options.batch_users;
  SolverEvaluation out;
  DistributedRankSweep sweep(grid, block);
  sweep.run(request, [&](SweptModel model) {
    out.result = std::move(model.results.front());
    out.report = std::move(model.report);
    out.fit_seconds = model.fit_seconds;
    return true;
  });
  out.solver = solver.name();
  out.params = params;
  out.on = options.on;
  out.dtype = options.dtype;
  out.metrics = options.metrics;
  out.peak_rss_bytes = peak_rss_bytes();
  out.report.peak_rss_bytes = out.peak_rss_bytes;
  return out;
}

}  // namespace aelab::distributed
