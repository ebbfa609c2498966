#pragma once
// The approximation-gap report (issues 4 and 7): at one point (rank, lambda, p) of one split, how far
// each low-rank solver's model is from the optimum of SPEC Eq. 7 that the `exact` solver finds,
//   relative gap = (L_solver - L_exact) / L_exact,
// and what that costs in the ranking metric (metric_solver - metric_exact on the chosen held-out users).
//
// All fits share one LinalgCache, and the inverse (G + Lambda)^{-1} of the point is computed once before
// the first fit, so every solver's fit_seconds excludes it (it is reported once, as "inverse"). `admm`
// is run once and reported twice: its last iterate (the published behaviour, row "admm_last") and its
// best iterate by Eq. 7 (keep_best, row "admm_best"), from fit_admm_last_and_best. Every other solver
// is fitted through its Solver::fit exactly as `aelab eval` fits it, so each row's numbers are those of
// fitting that solver on its own. Models are scored right after their fit and then freed (at most one
// model alive besides the cache).
//
// Report (JSON):
//   {"point": {"rank", "lambda", "p"}, "on", "dtype", "metric", "metrics": [names],
//    "n_items", "n_train_users", "n_users", "n_users_excluded",
//    "exact": {"objective", "converged", "stopped", "relative_gradient_norm", "tolerance", "iterations"},
//    "reference": "converged optimum" | "NOT converged: ...",
//    "inverse": {"seconds", "inversions"},
//    "rows": [{"label", "solver", "iterate" (admm only), "params", "objective", "relative_gap",
//              "metrics": {name: {"mean", "se"}}, "metric_difference": {name: row - exact},
//              "fit_seconds", "status": "ok" | "warning" (the solver's diagnostics carry warnings, e.g.
//              an objective that rose) | "stopped" (an iterative solver stopped early, or exact did not
//              converge) | "failed", "message" (the stop reason or the error), "warnings",
//              "n_nonfinite_scores", "diagnostics"}, ...],
//    "warnings": [...]}
// The first row is always "exact". A solver that fails (an aelab::Error: memory guard, a diverged
// first epoch, ...) gives a "failed" row with its message and the report goes on; `exact` failing
// throws, since every gap is relative to it. When exact stopped before its tolerance, "reference" says
// so and a warning explains that the gaps are relative to a non-converged point.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/split_data.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/dtype.hpp"
#include "core/solver/params.hpp"
#include "core/solver/registry.hpp"

namespace aelab {

class LinalgCache;

// The solvers compared with `exact` by default, in report order.
std::vector<std::string> default_gap_solvers();  // closed_form_approx, admm, zero_diagonal, unconstrained

struct GapPoint {
  Rank rank;
  double lambda = 300;
  double p = 0.33;
  std::string str() const;  // "rank=100,lambda=20,p=0.33"
};

struct ApproximationGapOptions {
  std::string on = "validation";  // held-out users scored: "validation" or "test"
  Dtype dtype = Dtype::float64;
  bool force_memory = false;
  std::size_t batch_users = 0;  // 0: automatic
  std::vector<MetricSpec> metrics = default_metrics();
  std::string metric = "ndcg@100";  // the headline metric of tables and plots; must be in `metrics`
  std::vector<std::string> solvers = default_gap_solvers();  // compared with exact; "exact" may not appear
  // Parameters besides rank, lambda, p. `common`: {"name": value} applied to every solver (exact
  // included) that has that parameter (e.g. seed, epochs); a name no solver has is an error.
  // `per_solver`: {"solver": {"name": value}} for one solver (e.g. {"admm": {"omega": 500}},
  // {"exact": {"max_iterations": 5000}}); it overrides `common`.
  nlohmann::json common = nlohmann::json::object();
  nlohmann::json per_solver = nlohmann::json::object();
  std::function<void(const std::string&)> log;  // progress lines; may be empty
};

// One solver of the report with its validated parameters at a point.
struct GapEntry {
  const Solver* solver = nullptr;
  ParamSet params;
};

// Validates everything that does not need the data: solver names (registered, having rank, lambda and
// p, no duplicates, not "exact"), the metric, `on`, and every parameter (through the solvers'
// specifications; rank, lambda and p may not be set in `common`/`per_solver`, nor admm's keep_best).
// `where` prefixes errors with a JSON path (e.g. "approximation_gap"). Returns exact first.
std::vector<GapEntry> plan_approximation_gap(const Registry& registry, const GapPoint& point,
                                             const ApproximationGapOptions& options, const std::string& where = "");

// Fits and scores every solver at `point` on `split` (the training users of `cache` must be
// split.train). Throws aelab::Error for invalid options (as plan_approximation_gap) or when exact fails.
nlohmann::json approximation_gap(LinalgCache& cache, const SplitData& split, const Registry& registry,
                                 const GapPoint& point, const ApproximationGapOptions& options);

// The report as an aligned text table with the exact solver's status, the shared inverse and warnings.
std::string format_approximation_gap(const nlohmann::json& report);

// Tidy CSV: a header line and one line per (report, row):
//   rank,lambda,p,label,solver,objective,relative_gap,<metric>,<metric>_se,<metric>_difference (every
//   metric), fit_seconds,status,exact_converged
// Missing numbers are empty fields; text fields are quoted when needed.
std::string approximation_gap_csv(const std::vector<nlohmann::json>& reports);

}  // namespace aelab
