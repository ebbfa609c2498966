#include "solvers/exact/factor_lbfgs.hpp"

#include <lbfgs.h>

#include <cmath>
#include <exception>
#include <limits>
#include <memory>

#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::exact {

namespace {

// libLBFGS built with SSE needs a multiple of 16 variables; padding (fixed at 0, gradient 0) is harmless.
constexpr std::size_t kPadding = 16;

std::size_t padded_variables(std::size_t n, std::size_t k) {
  const std::size_t count = 2 * n * k;
  return (count + kPadding - 1) / kPadding * kPadding;
}

std::string lbfgs_status_text(int status) {
  switch (status) {
    case LBFGSERR_ROUNDING_ERROR:
      return "line search failed: rounding errors prevent further progress (the objective cannot be decreased "
             "further in this precision)";
    case LBFGSERR_MINIMUMSTEP: return "line search failed: the step became smaller than the minimum step";
    case LBFGSERR_MAXIMUMSTEP: return "line search failed: the step became larger than the maximum step";
    case LBFGSERR_MAXIMUMLINESEARCH: return "line search failed: evaluation limit of one line search reached";
    case LBFGSERR_WIDTHTOOSMALL: return "line search failed: the uncertainty interval became too small";
    case LBFGSERR_INCREASEGRADIENT: return "line search failed: the search direction is not a descent direction";
    case LBFGSERR_OUTOFINTERVAL: return "line search failed: the step left the uncertainty interval";
    case LBFGSERR_INCORRECT_TMINMAX: return "line search failed: inconsistent step bounds";
    case LBFGSERR_LOGICERROR: return "line search failed: logic error in libLBFGS";
    case LBFGSERR_OUTOFMEMORY: return "libLBFGS ran out of memory";
    case LBFGS_ALREADY_MINIMIZED: return "the gradient is exactly zero";
    default: return "libLBFGS stopped with status " + std::to_string(status);
  }
}

// The k x k change of variables of factor_lbfgs.hpp at the point (Uw, V), which it keeps:
// Uw = Xu Su, V = Xv Sv with Su = Sigma^{-1} Y^T Rs, Sv = Y^T Rs^{-T}, Xu = Qu Y Sigma, Xv = Qv Z Sigma.
struct Preconditioner {
  arma::mat Su, Sv, Xu, Xv;
};

Preconditioner precondition(const arma::mat& Uw, const arma::mat& V) {
  Preconditioner pc;
  arma::mat Qu, Rs, Qv, Rt, Y, Z;
  arma::vec sigma;
  if (arma::qr_econ(Qu, Rs, Uw) && arma::qr_econ(Qv, Rt, V) && arma::svd(Y, sigma, Z, arma::mat(Rs * Rt.t())) &&
      sigma.n_elem == Uw.n_cols && sigma.min() > 1e-12 * sigma.max()) {
    pc.Su = arma::diagmat(1.0 / sigma) * Y.t() * Rs;
    pc.Sv = arma::solve(arma::trimatu(Rs), Y).t();  // Y^T Rs^{-T}
    pc.Xu = Qu * (Y * arma::diagmat(sigma));         // Uw Rs^{-1} Y Sigma
    pc.Xv = Qv * (Z * arma::diagmat(sigma));         // V Rs^T Y = Qv Rt Rs^T Y = Qv Z Sigma
    if (pc.Su.is_finite() && pc.Sv.is_finite() && pc.Xu.is_finite() && pc.Xv.is_finite()) return pc;
  }
  // A (numerically) rank-deficient W cannot be balanced: whiten by L alone.
  const arma::uword k = Uw.n_cols;
  pc.Su = arma::eye(k, k);
  pc.Sv = arma::eye(k, k);
  pc.Xu = Uw;
  pc.Xv = V;
  return pc;
}

template <typename T>
struct Run {
  const FactorObjective<T>* objective = nullptr;
  const LbfgsOptions* options = nullptr;
  const std::function<void(const TracePoint&)>* on_iteration = nullptr;
  const Timer* timer = nullptr;
  LbfgsResult* result = nullptr;
  arma::uword n = 0, k = 0;
  Preconditioner pc;
  FactorEvaluation last;      // the latest evaluation (a line-search trial)
  FactorEvaluation accepted;  // the latest accepted iterate (libLBFGS returns to it on failure)
  bool start_pending = true;  // the first evaluation of a run is at `accepted`: reuse it
  std::size_t run_iterations = 0;
  bool converged = false;
  std::exception_ptr error;
};

template <typename T>
void write_gradient(const Run<T>& run, const FactorEvaluation& e, lbfgsfloatval_t* g) {
  const std::size_t nk = run.n * run.k;
  arma::mat gu(g, run.n, run.k, false, true), gv(g + nk, run.n, run.k, false, true);
  gu = e.grad_Uw * run.pc.Su.t();
  gv = e.grad_V * run.pc.Sv.t();
}

template <typename T>
lbfgsfloatval_t evaluate(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g, const int n_variables,
                         const lbfgsfloatval_t) {
  auto& run = *static_cast<Run<T>*>(instance);
  std::fill(g, g + n_variables, 0.0);
  if (run.error) return std::numeric_limits<double>::infinity();
  // Exceptions must not cross libLBFGS's C frames: keep them and end the line search with +inf.
  try {
    if (run.start_pending) {
      run.start_pending = false;
      run.last = run.accepted;
    } else {
      const std::size_t nk = run.n * run.k;
      const arma::mat Xu(x, run.n, run.k), Xv(x + nk, run.n, run.k);
      run.last = run.objective->evaluate_whitened(Xu * run.pc.Su, Xv * run.pc.Sv);
      ++run.result->evaluations;
    }
    write_gradient(run, run.last, g);
    const double f = run.last.objective;
    return std::isfinite(f) ? f : std::numeric_limits<double>::infinity();
  } catch (...) {
    run.error = std::current_exception();
    return std::numeric_limits<double>::infinity();
  }
}

template <typename T>
void record(Run<T>& run, std::size_t iteration, const FactorEvaluation& e) {
  TracePoint point;
  point.iteration = iteration;
  point.objective = e.objective;
  point.relative_gradient_norm = run.objective->relative_gradient_norm(e);
  point.seconds = run.timer->seconds();
  run.result->trace.push_back(point);
  if (*run.on_iteration) (*run.on_iteration)(point);
  if (point.relative_gradient_norm <= run.options->tolerance) run.converged = true;
}

template <typename T>
int progress(void* instance, const lbfgsfloatval_t* x, const lbfgsfloatval_t*, const lbfgsfloatval_t fx,
             const lbfgsfloatval_t, const lbfgsfloatval_t, const lbfgsfloatval_t, int, int, int) {
  auto& run = *static_cast<Run<T>*>(instance);
  if (run.error) return 1;
  try {
    if (!(run.last.objective == fx)) {
      // libLBFGS reports the point of its last evaluation; re-evaluate should that ever change.
      const std::size_t nk = run.n * run.k;
      const arma::mat Xu(x, run.n, run.k), Xv(x + nk, run.n, run.k);
      run.last = run.objective->evaluate_whitened(Xu * run.pc.Su, Xv * run.pc.Sv);
      ++run.result->evaluations;
    }
    run.accepted = std::move(run.last);
    run.last = FactorEvaluation{};
    ++run.result->iterations;
    ++run.run_iterations;
    record(run, run.result->iterations, run.accepted);
    return run.converged ? 1 : 0;
  } catch (...) {
    run.error = std::current_exception();
    return 1;
  }
}

}  // namespace

std::size_t lbfgs_workspace_bytes(std::size_t n, std::size_t k, int memory) {
  // libLBFGS: x, xp, g, gp, d and `memory` pairs (s, y); the evaluations: about 20 n x k blocks.
  const std::size_t variables = padded_variables(n, k);
  return (2 * static_cast<std::size_t>(memory) + 5) * variables * sizeof(double) + 20 * n * k * sizeof(double);
}

template <typename T>
LbfgsResult minimize_factors(const FactorObjective<T>& objective, const arma::mat& U0, const arma::mat& V0,
                             const LbfgsOptions& options, const std::function<void(const TracePoint&)>& on_iteration) {
  const arma::uword n = objective.n(), k = U0.n_cols;
  if (U0.n_rows != n || V0.n_rows != n || V0.n_cols != k || k == 0) throw Error("exact: inconsistent start factors");
  if (!U0.is_finite() || !V0.is_finite()) throw Error("exact: the start factors contain non-finite values");
  const std::size_t n_variables = padded_variables(n, k);
  if (n_variables > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error("exact: 2 n k = " + std::to_string(2 * n * k) + " variables exceed libLBFGS's limit of 2^31 - 1");

  Timer timer;
  LbfgsResult result;
  Run<T> run;
  run.objective = &objective;
  run.options = &options;
  run.on_iteration = &on_iteration;
  run.timer = &timer;
  run.result = &result;
  run.n = n;
  run.k = k;
  // The start in the balanced gauge: the same W, numerically the best-conditioned factors.
  arma::mat Uw0 = objective.factor().lower_transposed_times(U0), V0b = V0;
  balance_factors(Uw0, V0b);
  run.accepted = objective.evaluate_whitened(std::move(Uw0), std::move(V0b));
  ++result.evaluations;
  record(run, 0, run.accepted);

  using Buffer = std::unique_ptr<lbfgsfloatval_t, void (*)(lbfgsfloatval_t*)>;
  while (!run.converged) {
    if (result.iterations >= options.max_iterations) {
      result.reason = StopReason::iteration_limit;
      result.stopped = "iteration limit reached";
      break;
    }
    // A fresh change of variables at the accepted point, which it keeps: the run's first evaluation
    // reuses the accepted one, so the trace cannot rise across restarts.
    run.pc = precondition(run.accepted.Uw, run.accepted.V);
    run.start_pending = true;
    run.run_iterations = 0;
    Buffer x(lbfgs_malloc(static_cast<int>(n_variables)), lbfgs_free);
    if (!x) throw Error("exact: out of memory for the L-BFGS variables");
    std::fill(x.get(), x.get() + n_variables, 0.0);
    std::copy(run.pc.Xu.begin(), run.pc.Xu.end(), x.get());
    std::copy(run.pc.Xv.begin(), run.pc.Xv.end(), x.get() + n * k);
    run.pc.Xu.reset();
    run.pc.Xv.reset();

    lbfgs_parameter_t parameters;
    lbfgs_parameter_init(&parameters);
    parameters.m = options.memory;
    parameters.epsilon = 0;  // convergence is decided by the relative gradient norm (progress callback)
    parameters.past = 0;
    parameters.max_iterations = static_cast<int>(std::min<std::size_t>(
        options.max_iterations - result.iterations, static_cast<std::size_t>(std::numeric_limits<int>::max())));
    lbfgsfloatval_t fx = 0;
    const int status = lbfgs(static_cast<int>(n_variables), x.get(), &fx, evaluate<T>, progress<T>, &run, &parameters);
    if (run.error) std::rethrow_exception(run.error);
    if (status == LBFGSERR_OUTOFMEMORY) throw Error("exact: libLBFGS ran out of memory");
    if (run.converged) break;
    if (status == LBFGSERR_MAXIMUMITERATION || result.iterations >= options.max_iterations) {
      result.reason = StopReason::iteration_limit;
      result.stopped = "iteration limit reached";
      break;
    }
    if (run.run_iterations > 0) {  // progress was made: retry with a fresh preconditioner and memory
      ++result.restarts;
      continue;
    }
    result.reason = StopReason::line_search_failure;
    result.stopped = lbfgs_status_text(status);
    break;
  }
  if (run.converged) {
    result.reason = StopReason::tolerance;
    result.stopped = "tolerance reached";
  }
  result.objective = run.accepted.objective;
  result.relative_gradient_norm = result.trace.back().relative_gradient_norm;
  result.U = std::move(run.accepted.U);
  result.V = std::move(run.accepted.V);
  return result;
}

template LbfgsResult minimize_factors<float>(const FactorObjective<float>&, const arma::mat&, const arma::mat&,
                                             const LbfgsOptions&, const std::function<void(const TracePoint&)>&);
template LbfgsResult minimize_factors<double>(const FactorObjective<double>&, const arma::mat&, const arma::mat&,
                                              const LbfgsOptions&, const std::function<void(const TracePoint&)>&);

}  // namespace aelab::exact
