// `exact`: low-rank EDLAE (SPEC Eq. 7) minimised over the factors U, V to a stationary point, the
// reference against which Algorithm 1 (closed_form_approx) and ADMM are judged (issue 7).
//  - start: the factors of another solver fitted through the same FitContext (so it shares the cached
//    inverse): `closed_form_approx` (default) or `admm`; or `random`: U with iid N(0, 1/n) entries from
//    `seed`;
//  - G + Lambda = L L^T (Cholesky, in the context's dtype);
//  - the exact V-step for the start's column space (FactorObjective::with_best_V);
//  - preconditioned L-BFGS (libLBFGS, factor_lbfgs.hpp) until the relative gradient norm
//    (factor_objective.hpp) is below `tolerance`, or `max_iterations`, or a line-search failure.
// At rank "full" the optimum is B^ of SPEC 2.2, returned in closed form as a DenseItemModel.
//
// The starting factors are read from the init solver's model with dynamic_cast to LowRankModel<T>
// (the shape every low-rank solver returns); no interface change was needed.
#include <optional>
#include <random>

#include "core/linalg/edlae_full_rank.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/solver/models.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/builtin.hpp"  // temporary, until the registry is passed in (redesign)
#include "solvers/exact/exact.hpp"
#include "solvers/common/linear_fit_support.hpp"
#include "solvers/exact/factor_lbfgs.hpp"
#include "solvers/exact/factor_objective.hpp"

namespace aelab {

namespace {

// Parameters of the init solver: its rank, lambda, p (and seed, when it has one) are the exact
// solver's; everything else keeps the init solver's defaults.
ParamSet init_params(const Solver& init, const ParamSet& params) {
  nlohmann::json given = nlohmann::json::object();
  for (const char* name : {"rank", "lambda", "p", "seed"})
    if (init.has_param(name)) given[name] = params.values().at(name);
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
    const double inf = arma::datum::inf;
    return {
        rank_param_spec(),
        ranged(param_spec("lambda", ParamType::real, 300.0, "uniform L2 weight"), 0, inf),
        ranged(param_spec("p", ParamType::real, 0.33, "dropout probability (Lambda += p/(1-p) diag(G))"), 0, 1, true,
               false),
        choice(param_spec("init", ParamType::string, "closed_form_approx",
                          "start: the factors of closed_form_approx or admm (same rank, lambda, p), or random"),
               {"closed_form_approx", "random", "admm"}),
        ranged(param_spec("seed", ParamType::integer, 0, "seed of the random start, passed on to admm"), 0, 4294967295.0),
        ranged(param_spec("max_iterations", ParamType::integer, 1000, "limit on accepted L-BFGS iterations"), 1, 1e8),
        ranged(param_spec("tolerance", ParamType::real, 1e-6, "stop when the relative gradient norm is at most this"), 0,
               1, false, false),
        ranged(param_spec("lbfgs_memory", ParamType::integer, 10, "L-BFGS correction pairs (memory: 4 n k doubles each)"),
               1, 100),
    };
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    if (ctx.dtype == Dtype::float32) return fit_typed<float>(ctx, params);
    return fit_typed<double>(ctx, params);
  }

  std::size_t memory_estimate(std::size_t n, Dtype dtype, const ParamSet& params) const override {
    const std::size_t square = n * n * dtype_bytes(dtype);
    const Rank rank = params.rank("rank");
    if (rank.full) return 2 * square;  // the shared inverse and B^
    const std::size_t k = rank.resolve(n);
    const std::string init = params.string("init");
    std::size_t init_estimate = 0;
    if (init != "random") {
      const Registry registry = builtin_registry();
      if (const Solver* solver = registry.find(init))
        init_estimate = solver->memory_estimate(n, dtype, init_params(*solver, params));
    }
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
    const double lambda = params.real("lambda"), p = params.real("p");
    const Rank rank = params.rank("rank");
    const arma::vec Lambda = ctx.linalg.lambda_diagonal(lambda, p);
    if (rank.full) return fit_full_rank<T>(ctx, lambda, p, Lambda, total);
    const std::size_t k = rank.k;
    if (k > n)
      throw Error("exact: rank " + std::to_string(k) + " exceeds the number of items " + std::to_string(n) +
                  " (rank \"full\" gives B^)");

    nlohmann::json seconds = nlohmann::json::object();
    nlohmann::json init_report = nlohmann::json::object();
    const std::string init = params.string("init");
    init_report["solver"] = init;
    arma::mat U0, V0;
    Timer stage;
    if (init != "random") start_from_solver<T>(ctx, params, init, U0, V0, init_report);
    else U0 = random_start(n, k, static_cast<std::uint64_t>(params.integer("seed")));
    seconds["init"] = stage.seconds();

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
    seconds["cholesky"] = stage.seconds();
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
    seconds["v_step"] = stage.seconds();

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
    seconds["optimize"] = stage.seconds();
    // Eq. 7 at the start: the init solver's factors (random: U and its V-step), then after the V-step
    // (trace[0]); the start's relative excess over the optimum found is Algorithm 1's approximation
    // gap when init = closed_form_approx.
    const double after_v_step = result.trace.front().objective;
    init_report["objective"] = init_objective.value_or(after_v_step);
    init_report["objective_after_v_step"] = after_v_step;
    init_report["relative_gap"] = (init_objective.value_or(after_v_step) - result.objective) / result.objective;

    auto model = std::make_unique<LowRankModel<T>>(arma::conv_to<arma::Mat<T>>::from(result.U),
                                                   arma::conv_to<arma::Mat<T>>::from(result.V));
    nlohmann::json& diagnostics = model->diagnostics();
    nlohmann::json trace = nlohmann::json::array();
    for (const auto& point : result.trace)
      trace.push_back({{"iteration", point.iteration},
                       {"objective", point.objective},
                       {"relative_gradient_norm", point.relative_gradient_norm},
                       {"seconds", point.seconds}});
    nlohmann::json warnings = nlohmann::json::array();
    if (result.reason != exact::StopReason::tolerance)
      warnings.push_back("exact: stopped before reaching the tolerance (" + result.stopped + ") after " +
                         std::to_string(result.iterations) + " iterations: relative gradient norm " +
                         std::to_string(result.relative_gradient_norm) + " > tolerance " +
                         std::to_string(options.tolerance) + "; the model is not a stationary point to that tolerance" +
                         (std::is_same_v<T, float> && result.reason == exact::StopReason::line_search_failure
                              ? " (float32 rounding limits the attainable norm; use float64 for tight tolerances)"
                              : ""));
    seconds["total"] = total.seconds();
    diagnostics["objective"] = result.objective;
    diagnostics["relative_gradient_norm"] = result.relative_gradient_norm;
    diagnostics["tolerance"] = options.tolerance;
    diagnostics["converged"] = result.reason == exact::StopReason::tolerance;
    diagnostics["stopped"] = result.stopped;
    diagnostics["iterations"] = result.iterations;
    diagnostics["evaluations"] = result.evaluations;
    diagnostics["restarts"] = result.restarts;
    diagnostics["trace"] = std::move(trace);
    diagnostics["init"] = std::move(init_report);
    diagnostics["warnings"] = std::move(warnings);
    diagnostics["seconds"] = std::move(seconds);
    diagnostics["peak_rss_bytes"] = peak_rss_bytes();
    return model;
  }

  // Fits the init solver through the same context and takes its factors.
  template <typename T>
  void start_from_solver(FitContext& ctx, const ParamSet& params, const std::string& init, arma::mat& U,
                         arma::mat& V, nlohmann::json& report) const {
    const Registry registry = builtin_registry();
    const Solver* solver = registry.find(init);
    if (!solver)
      throw Error("exact: init solver '" + init + "' is not registered (known: " + [&registry] {
        std::string names;
        for (const auto& name : registry.names()) names += (names.empty() ? "" : ", ") + name;
        return names;
      }() + "); use init=random");
    const ParamSet init_parameters = init_params(*solver, params);
    report["params"] = init_parameters.values();
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
    report["diagnostics"] = model->diagnostics();
    if (!U.is_finite() || !V.is_finite())
      throw Error("exact: init solver '" + init + "' returned non-finite factors (diverged?); use " +
                  "init=closed_form_approx or init=random");
  }

  static arma::mat random_start(std::size_t n, std::size_t k, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal(0.0, 1.0 / std::sqrt(static_cast<double>(n)));
    arma::mat U(n, k);
    for (double& value : U) value = normal(generator);
    return U;
  }

  // Rank "full": B^ = I - C diagMat(1 (/) diag C), whose objective is sum_j (1 / C_jj - Lambda_jj):
  // with G_L B^ = G_L - D (SPEC 2.0) and zero diagonals, tr(G B^) = tr(G_L B^) - tr(Lambda B^) =
  // tr(G_L) - tr(D) and tr(B^T G_L B^) = tr(B^T G_L) - tr(B^T D) = tr(G_L) - tr(D), so
  // L = tr G - 2 (tr G_L - tr D) + tr G_L - tr D = tr D - tr Lambda.
  template <typename T>
  std::unique_ptr<FittedModel> fit_full_rank(FitContext& ctx, double lambda, double p, const arma::vec& Lambda,
                                             const Timer& total) const {
    const std::size_t n = ctx.linalg.n_items();
    const SharedInverse<T> inverse = ctx.linalg.inverse<T>(lambda, p, ctx.force_memory);
    ensure_memory(square_bytes<T>(n), "B^ (" + std::to_string(n) + " x " + std::to_string(n) + " " +
                                          dtype_name(ctx.dtype) + ")", ctx.force_memory);
    arma::Mat<T> B = *inverse.C;
    const arma::vec c = arma::conv_to<arma::vec>::from(arma::Col<T>(B.diag()));
    const double objective = arma::accu(1.0 / c - Lambda);
    edlae_full_rank_in_place(B);
    auto model = std::make_unique<DenseItemModel<T>>(std::move(B));
    nlohmann::json& diagnostics = model->diagnostics();
    diagnostics["objective"] = objective;
    diagnostics["converged"] = true;
    diagnostics["stopped"] = "closed form: rank full is B^ of SPEC 2.2";
    diagnostics["trace"] = nlohmann::json::array();
    diagnostics["warnings"] = nlohmann::json::array();
    diagnostics["inverse_reused"] = inverse.reused;
    diagnostics["seconds"] = {{"inverse", inverse.reused ? 0.0 : inverse.seconds}, {"total", total.seconds()}};
    diagnostics["peak_rss_bytes"] = peak_rss_bytes();
    return model;
  }
};

}  // namespace

std::unique_ptr<Solver> make_exact_solver() { return std::make_unique<ExactSolver>(); }

}  // namespace aelab
