// `exact`: low-rank EDLAE (Eq. 7) minimised over the factors U, V to a stationary point, the reference
// against which Algorithm 1 (closed_form_approx) and ADMM are judged (docs/EXACT.md):
//  - start: the factors of another solver of the context's registry, fitted through the same
//    FitContext (so it shares the cached inverse): `closed_form_approx` (default) or `admm`; or
//    `random`: U with iid N(0, 1/n) entries from `seed`;
//  - G + Lambda = L L^T (Cholesky, in the context's dtype);
//  - the exact V-step for the start's column space (FactorObjective::with_best_V);
//  - preconditioned L-BFGS (libLBFGS, factor_lbfgs.hpp) until the relative gradient norm
//    (factor_objective.hpp) is below `tolerance`, or `max_iterations`, or a line-search failure.
// At rank "full" the optimum is B^, returned in closed form as a DenseItemModel.
//
// The starting factors are read from the init solver's model with dynamic_cast to LowRankModel<T>,
// the shape every low-rank solver returns.
#include <cmath>
#include <optional>

#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/random_start.hpp"
#include "core/solver/models.hpp"
#include "core/solver/registry.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/common/linear_fit_support.hpp"
#include "solvers/exact/exact.hpp"
#include "solvers/exact/factor_lbfgs.hpp"
#include "solvers/exact/factor_objective.hpp"

namespace aelab {

namespace {

// Parameters of the init solver: its rank, lambda, p (and seed, when it has one) are the exact
// solver's; everything else keeps the init solver's defaults.
ParamSet init_params(const Solver& init, const ParamSet& params) {
  nlohmann::json given = nlohmann::json::object();
  for (const char* name : {kRankParam, kLambdaParam, kDropoutParam, "seed"})
    if (init.has_param(name)) given[name] = param_value_json(params.get(name));
  return init.make_params(given, "init");
}

template <typename T>
std::size_t square_bytes(std::size_t n) {
  return n * n * sizeof(T);
}

class ExactSolver : public Solver {
 public:
  std::string name() const override { return "exact"; }
  std::string description() const override {
    return "low-rank EDLAE (Eq. 7) minimised to a stationary point by preconditioned L-BFGS";
  }
  std::vector<ParamSpec> params() const override {
    return {
        rank_param_spec(),
        lambda_param_spec(),
        dropout_param_spec(),
        choice(param_spec("init", ParamType::string, "closed_form_approx",
                          "start: the factors of closed_form_approx or admm (same rank, lambda, p), or random"),
               {"closed_form_approx", "random", "admm"}),
        seed_param_spec(),
        ranged(param_spec("max_iterations", ParamType::integer, 1000, "limit on accepted L-BFGS iterations"), 1, 1e8),
        ranged(param_spec("tolerance", ParamType::real, 1e-6, "stop when the relative gradient norm is at most this"), 0,
               1, false, false),
        ranged(param_spec("lbfgs_memory", ParamType::integer, 10, "L-BFGS correction pairs (memory: 4 n k doubles each)"),
               1, 100),
    };
  }

  SolverTraits traits() const override {
    SolverTraits t;
    t.uses_shared_inverse = true;
    t.eq7_model = true;
    t.eq7_reference = true;
    t.plot_color = "#7f7f7f";
    return t;
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    if (ctx.dtype == Dtype::float32) return fit_typed<float>(ctx, params);
    return fit_typed<double>(ctx, params);
  }

  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const override {
    const std::size_t n = sizing.n_items;
    const std::size_t square = n * n * dtype_bytes(sizing.dtype);
    const Rank rank = params.rank(kRankParam);
    if (rank.full) return full_rank_edlae_memory(n, sizing.dtype);
    const std::size_t k = rank.resolve(n);
    const std::string init = params.string("init");
    std::size_t init_estimate = 0;
    if (init != "random" && sizing.registry)
      if (const Solver* solver = sizing.registry->find(init))
        init_estimate = solver->memory_estimate(sizing, init_params(*solver, params));
    // After the init fit: the inverse it used stays cached, plus the Cholesky factor and L-BFGS.
    const std::size_t kept = init == "random" ? 0 : square;
    const std::size_t own = square + exact::lbfgs_workspace_bytes(n, k, static_cast<int>(params.integer("lbfgs_memory")));
    return std::max(init_estimate, kept + own);
  }

 private:
  template <typename T>
  std::unique_ptr<FittedModel> fit_typed(FitContext& ctx, const ParamSet& params) const {
    Timer total;
    const std::size_t n = ctx.linalg.n_items();
    const Regularizer reg = *standard_regularizer(params);
    const Rank rank = params.rank(kRankParam);
    const arma::vec Lambda = ctx.linalg.lambda_diagonal(reg);
    if (rank.full) return fit_full_rank(ctx, reg);
    const std::size_t k = rank.k;
    if (k > n)
      throw Error("exact: rank " + std::to_string(k) + " exceeds the number of items " + std::to_string(n) +
                  " (rank \"full\" gives B^)");

    StageSeconds seconds;
    const std::string init = params.string("init");
    std::optional<StartReport> start_report;
    arma::mat U0, V0;
    Timer stage;
    if (init != "random") start_report = start_from_solver(ctx, params, init, U0, V0);
    else U0 = gaussian_start<double>(n, k, 1.0 / std::sqrt(static_cast<double>(n)), static_cast<std::uint64_t>(params.integer("seed")));
    seconds.set("init", stage.seconds());

    const int memory = static_cast<int>(params.integer("lbfgs_memory"));
    ensure_memory(square_bytes<T>(n) + exact::lbfgs_workspace_bytes(n, k, memory),
                  "the exact solver (Cholesky factor of G + Lambda, " + std::to_string(n) + " x " + std::to_string(n) +
                      " " + dtype_name(ctx.dtype) + ", and L-BFGS vectors for rank " + std::to_string(k) + ")",
                  ctx.force_memory);
    stage.restart();
    arma::Mat<T> A;
    ctx.linalg.gram_into(A);
    A.diag() += arma::conv_to<arma::Col<T>>::from(Lambda);
    const exact::FactorObjective<T> objective(exact::GramCholesky<T>(std::move(A)), ctx.linalg.item_counts(), Lambda);
    seconds.set("cholesky", stage.seconds());
    // Eq. 7 at the init solver's own factors (from their balanced factorisation, so that a badly
    // unbalanced start such as a diverging ADMM iterate is still evaluated accurately).
    std::optional<double> init_objective;
    if (init != "random") init_objective = objective.objective_value(U0, V0);
    // Every start is followed by the exact V-step for its column space: it can only lower Eq. 7, it
    // replaces the start's gauge by a well-conditioned one, and it removes what the objective cannot
    // see but the optimiser would have to undo (e.g. a large diagonal of U V^T left by ADMM, which
    // otherwise costs thousands of iterations).
    stage.restart();
    exact::Factors start = objective.with_best_V(U0);
    U0.reset();
    V0.reset();
    seconds.set("v_step", stage.seconds());

    exact::LbfgsOptions options;
    options.max_iterations = static_cast<std::size_t>(params.integer("max_iterations"));
    options.tolerance = params.real("tolerance");
    options.memory = memory;
    stage.restart();
    const auto log = [&ctx](const exact::TracePoint& point) {
      if (point.iteration % 25 == 0)
        ctx.info("exact: iteration " + std::to_string(point.iteration) + " objective " +
                 std::to_string(point.objective) + " relative gradient norm " +
                 std::to_string(point.relative_gradient_norm));
    };
    exact::LbfgsResult result = exact::minimize_factors(objective, start.U, start.V, options, log);
    seconds.set("optimize", stage.seconds());

    auto model = std::make_unique<LowRankModel<T>>(arma::conv_to<arma::Mat<T>>::from(result.U),
                                                   arma::conv_to<arma::Mat<T>>::from(result.V));
    FitReport& report = model->report();
    report.dtype = dtype_of<T>();
    report.objective = result.objective;
    report.convergence = Convergence{result.reason == exact::StopReason::tolerance, "relative gradient norm",
                                     result.relative_gradient_norm, options.tolerance, result.iterations,
                                     result.evaluations, result.restarts};
    report.stop_reason = result.stopped;
    report.stopped_early = !report.convergence->converged;
    report.trace = trace_of(result);
    // Eq. 7 at the start: the init solver's factors (random: U and its V-step), then after the V-step
    // (trace[0]); the start's relative excess over the optimum found is Algorithm 1's approximation
    // gap when init = closed_form_approx.
    const double after_v_step = result.trace.front().objective;
    if (!start_report) start_report = StartReport{"random", params, 0, 0, 0, nullptr};
    start_report->objective = init_objective.value_or(after_v_step);
    start_report->objective_after_v_step = after_v_step;
    start_report->relative_gap = (start_report->objective - result.objective) / result.objective;
    report.start = std::move(start_report);
    if (result.reason != exact::StopReason::tolerance)
      report.warnings.push_back(
          "exact: stopped before reaching the tolerance (" + result.stopped + ") after " +
          std::to_string(result.iterations) + " iterations: relative gradient norm " +
          std::to_string(result.relative_gradient_norm) + " > tolerance " + std::to_string(options.tolerance) +
          "; the model is not a stationary point to that tolerance" +
          (std::is_same_v<T, float> && result.reason == exact::StopReason::line_search_failure
               ? " (float32 rounding limits the attainable norm; use float64 for tight tolerances)"
               : ""));
    seconds.set("total", total.seconds());
    report.seconds = std::move(seconds);
    report.peak_rss_bytes = peak_rss_bytes();
    return model;
  }

  static Trace trace_of(const exact::LbfgsResult& result) {
    Trace trace;
    trace.iteration_name = "iteration";
    trace.residual_name = "relative_gradient_norm";
    for (const auto& point : result.trace)
      trace.points.push_back({point.iteration, point.objective, point.relative_gradient_norm, point.seconds, {}});
    trace.completed = result.iterations;
    trace.returned = result.trace.empty() ? 0 : result.trace.back().iteration;
    double best = 0;
    for (const auto& point : result.trace)
      if (trace.best == 0 || point.objective < best) {
        trace.best = point.iteration;
        best = point.objective;
      }
    return trace;
  }

  // Fits the init solver (from the context's registry) through the same context and takes its factors.
  StartReport start_from_solver(FitContext& ctx, const ParamSet& params, const std::string& init, arma::mat& U,
                                arma::mat& V) const {
    if (!ctx.registry) throw Error("exact: init=" + init + " needs the solver registry in the fit context; use init=random");
    const Solver* solver = ctx.registry->find(init);
    if (!solver)
      throw Error("exact: init solver '" + init + "' is not registered (known: " + ctx.registry->names_text() +
                  "); use init=random");
    const ParamSet init_parameters = init_params(*solver, params);
    const std::unique_ptr<FittedModel> model = solver->fit(ctx, init_parameters);
    if (const auto* f64 = dynamic_cast<const LowRankModel<double>*>(model.get())) {
      U = f64->U();
      V = f64->V();
    } else if (const auto* f32 = dynamic_cast<const LowRankModel<float>*>(model.get())) {
      U = arma::conv_to<arma::mat>::from(f32->U());
      V = arma::conv_to<arma::mat>::from(f32->V());
    } else {
      throw Error("exact: init solver '" + init + "' did not return a low-rank model (U, V)");
    }
    if (!U.is_finite() || !V.is_finite())
      throw Error("exact: init solver '" + init + "' returned non-finite factors (diverged?); use " +
                  "init=closed_form_approx or init=random");
    return StartReport{init, init_parameters, 0, 0, 0, std::make_shared<const FitReport>(model->report())};
  }

  // Rank "full": the optimum is B^ itself, in closed form.
  static std::unique_ptr<FittedModel> fit_full_rank(FitContext& ctx, const Regularizer& reg) {
    std::unique_ptr<FittedModel> model = fit_full_rank_edlae(ctx, reg);
    FitReport& report = model->report();
    report.convergence = Convergence{true, "closed form", 0, 0, 0, 0, 0};
    report.stop_reason = "closed form: rank full is B^";
    return model;
  }
};

}  // namespace

std::unique_ptr<Solver> make_exact_solver() { return std::make_unique<ExactSolver>(); }

}  // namespace aelab
