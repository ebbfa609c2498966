#include "core/distributed/solver_evaluation.hpp"

#include <mpi.h>

#include "core/distributed/closed_form.hpp"
#include "core/distributed/mpi_session.hpp"
#include "core/distributed/evaluation.hpp"
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

Shrinkage shrinkage_of(const Solver& solver) {
  return solver.traits().shrinkage == ShrinkageForm::lambda ? Shrinkage::ridge : Shrinkage::zero_diagonal;
}

arma::vec item_counts(const BinaryCsr& X) {
  const auto counts = X.column_counts();
  return arma::conv_to<arma::vec>::from(std::vector<double>(counts.begin(), counts.end()));
}

int processes_on_this_node() {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int size = 1;
  MPI_Comm_size(node, &size);
  MPI_Comm_free(&node);
  return size;
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
  const std::size_t bytes =
      closed_form_bytes_per_process(split.n_items(), grid.size(), rank.full ? 0 : rank.k, dtype_bytes(options.dtype));
  try {
    ensure_memory(bytes * static_cast<std::size_t>(local),
                  "solver " + solver.name() + " on the scalapack backend at n = " + std::to_string(split.n_items()) +
                      " (" + std::to_string(local) + " process(es) on this node of " + std::to_string(grid.size()) + ")",
                  options.force_memory);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

namespace {

// The fit and the scoring in precision T; fills the report's stages, objective and eigen summary.
template <typename T>
void fit_and_evaluate(const SplitData& split, const Solver& solver, const ParamSet& params,
                      const EvaluationOptions& options, const ProcessGrid& grid, int block, SolverEvaluation& out) {
  const HeldOutSet& held_out = options.on == "test" ? split.test : split.validation;
  const Rank rank = params.rank(kRankParam);
  const Shrinkage kind = shrinkage_of(solver);
  Timer fit;
  const DistributedClosedForm<T> closed_form(grid, split.train, *standard_regularizer(params), block);
  FitReport& report = out.report;
  report.seconds.set("gram", closed_form.gram_seconds());
  report.seconds.set("inverse", closed_form.inverse_seconds());
  const arma::vec g = item_counts(split.train), s = closed_form.shrinkage_diagonal(kind);
  const arma::vec& lambda = closed_form.lambda_diagonal();
  if (rank.full) {
    Timer stage;
    const BlockCyclicMatrix<T> W = closed_form.full_rank_model(kind);
    report.seconds.set("model", stage.seconds());
    report.objective = edlae_objective_shrinkage_form(g, lambda, closed_form.inverse_diagonal(), s);
    out.fit_seconds = fit.seconds();
    out.result = evaluate_distributed(W, held_out, options.metrics, options.batch_users);
    return;
  }
  Timer stage;
  const LowRankFactors<T> f = closed_form.factors(kind, static_cast<int>(rank.k));
  report.seconds.set("eigen", stage.seconds());
  // G U = V Theta + (S - Lambda) U from the eigenpairs (docs/MATH.md §2.5): O(n k).
  const arma::Mat<T> GU = f.V * arma::diagmat(arma::conv_to<arma::Col<T>>::from(f.values)) +
                          f.U.each_col() % arma::conv_to<arma::Col<T>>::from(s - lambda);
  report.objective = edlae_objective_from_gu(g, lambda, f.U, f.V, GU);
  EigenReport eigen;
  eigen.method = std::is_same_v<T, float> ? "scalapack pssyevr" : "scalapack pdsyevr";
  eigen.k_computed = rank.k;
  eigen.value_at_cutoff = f.values(f.values.n_elem - 1);
  eigen.next_value = eigen.gap = eigen.relative_gap = arma::datum::nan;
  eigen.max_residual = f.max_residual;
  report.eigen = eigen;
  out.fit_seconds = fit.seconds();
  out.result = evaluate(LowRankModel<T>(f.U, f.V), held_out, options.metrics, options.batch_users);
}

}  // namespace

SolverEvaluation evaluate_solver_distributed(const SplitData& split, const Solver& solver, const ParamSet& params,
                                             const Registry& registry, const EvaluationOptions& options,
                                             const ProcessGrid& grid, int block) {
  agree_on_failure(precondition_failure(split, solver, params, registry, options, grid));
  const Rank rank = params.rank(kRankParam);
  SolverEvaluation out;
  if (options.dtype == Dtype::float32) fit_and_evaluate<float>(split, solver, params, options, grid, block, out);
  else fit_and_evaluate<double>(split, solver, params, options, grid, block, out);
  FitReport& report = out.report;
  report.memory_estimate_bytes =
      closed_form_bytes_per_process(split.n_items(), grid.size(), rank.full ? 0 : rank.k, dtype_bytes(options.dtype));
  report.seconds.set("total", out.fit_seconds);
  report.dtype = options.dtype;
  report.fact("backend", "scalapack");
  report.fact("processes", grid.size());
  report.fact("grid", std::to_string(grid.rows()) + "x" + std::to_string(grid.cols()));
  report.fact("block", block);
  out.solver = solver.name();
  out.params = params;
  out.on = options.on;
  out.dtype = options.dtype;
  out.metrics = options.metrics;
  out.peak_rss_bytes = peak_rss_bytes();
  report.peak_rss_bytes = out.peak_rss_bytes;
  return out;
}

}  // namespace aelab::distributed
