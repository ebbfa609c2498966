#pragma once
// The approximation-gap report (docs/EXACT.md): at one point (rank, lambda, p) of one split, how far
// each low-rank solver's model is from the optimum of Eq. 7 that the reference solver (the registered
// solver whose traits say it minimises Eq. 7 to a stationary point: `exact`) finds,
//   relative gap = (L_solver - L_reference) / L_reference,
// and what that costs in the ranking metric (metric_solver - metric_reference on the chosen users).
//
// All fits share one LinalgCache, and the inverse (G + Lambda)^{-1} of the point is computed once
// before the first fit, so every solver's fit_seconds excludes it (it is reported once, as
// "inverse"). A solver that yields several models from one run (Solver::fit_variants, e.g. admm's
// last and best iterate) is run once and reported once per variant; the later variants' rows say
// whose run they share. Every model is scored right after its fit and then freed (at most one fit's
// models alive besides the cache).
//
// The first row is always the reference. A solver that fails (an aelab::Error: memory guard, a
// diverged first epoch, ...) gives a "failed" row with its message and the report goes on; the
// reference failing throws, since every gap is relative to it. When the reference stopped before its
// tolerance, the report says so and a warning explains that the gaps are relative to a non-converged
// point.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/split_data.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/dtype.hpp"
#include "core/linalg/regularizer.hpp"
#include "core/solver/params.hpp"
#include "core/solver/registry.hpp"

namespace aelab {

class LinalgCache;

struct GapPoint {
  Rank rank;
  Regularizer reg;
  std::string str() const;    // "rank=100,lambda=20,p=0.33"
  ParamSet params() const;    // {lambda, p, rank} as standard parameters
};

// The solvers a registry compares with its reference by default: every solver whose traits say its
// model is a low-rank EDLAE (eq7_model), except the reference, in registration order.
std::vector<std::string> default_gap_solvers(const Registry& registry);
// The registry's reference solver (traits().eq7_reference); throws when there is none or several.
std::string default_gap_reference(const Registry& registry);

struct ApproximationGapOptions {
  std::string on = "validation";  // held-out users scored: "validation" or "test"
  Dtype dtype = Dtype::float64;
  bool force_memory = false;
  std::size_t batch_users = 0;  // 0: automatic
  std::vector<MetricSpec> metrics = default_metrics();
  std::string metric = "ndcg@100";  // the headline metric of tables and plots; must be in `metrics`
  std::string reference;            // "" : default_gap_reference
  std::vector<std::string> solvers; // compared with the reference; empty: default_gap_solvers
  // Parameters besides rank, lambda, p. `common`: {"name": value} applied to every solver (the
  // reference included) that has that parameter (e.g. seed, epochs); a name no solver has is an error.
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

// Validates everything that does not need the data: solver names (registered, having the standard
// rank, lambda and p, no duplicates, not the reference), the metric, `on`, and every parameter
// (through the solvers' specifications; rank, lambda and p may not be set in `common`/`per_solver`,
// nor a solver's variant parameters). `where` prefixes errors with a JSON path (e.g.
// "approximation_gap"). Returns the reference first.
std::vector<GapEntry> plan_approximation_gap(const Registry& registry, const GapPoint& point,
                                             const ApproximationGapOptions& options, const std::string& where = "");

struct GapMetric {
  std::optional<double> mean, se;  // empty for a failed row
};

struct GapRow {
  std::string label;   // the solver, or its variant ("admm_last")
  std::string solver;
  ParamSet params;
  std::string plot_color;
  std::optional<double> objective, relative_gap;
  std::map<std::string, GapMetric> metrics;
  std::map<std::string, std::optional<double>> metric_difference;  // row - reference
  double fit_seconds = 0;
  std::string status;   // "ok", "warning" (the fit reported warnings), "stopped" (it stopped early, or the
                        // reference did not converge), "failed"
  std::string message;  // the stop reason or the error
  std::vector<std::string> warnings;
  std::size_t n_nonfinite_scores = 0;
  std::string shared_fit;  // label of the row whose run gave this model too ("" when its own)
  std::shared_ptr<const FitReport> report;  // the fit's report (null for failed rows and read-back reports)
};

struct GapReference {
  std::string solver;
  double objective = 0;
  bool converged = false;
  std::string stop_reason;
  std::optional<double> measure, tolerance;  // e.g. the relative gradient norm and its tolerance
  std::optional<std::size_t> iterations;
  std::string status() const;  // "converged optimum" | "NOT converged: <stop reason>"
};

struct GapReport {
  GapPoint point;
  std::string on;
  Dtype dtype = Dtype::float64;
  std::string metric;
  std::vector<std::string> metrics;
  std::size_t n_items = 0, n_train_users = 0, n_users = 0, n_users_excluded = 0;
  GapReference reference;
  double inverse_seconds = 0;
  std::size_t inversions = 0;
  std::vector<GapRow> rows;  // the reference first
  std::vector<std::string> warnings;

  // The report as JSON; with_reports adds every fitted row's FitReport ("report").
  nlohmann::json to_json(bool with_reports) const;
  // Reads a report written by to_json (stored points of the gap section); throws aelab::Error.
  static GapReport from_json(const nlohmann::json& j);
};

// Fits and scores every solver at `point` on `split` (the training users of `cache` must be
// split.train). Throws aelab::Error for invalid options (as plan_approximation_gap) or when the
// reference fails.
GapReport approximation_gap(LinalgCache& cache, const SplitData& split, const Registry& registry, const GapPoint& point,
                            const ApproximationGapOptions& options);

// The report as an aligned text table with the reference's status, the shared inverse and warnings.
std::string format_approximation_gap(const GapReport& report);

// Tidy CSV: a header line and one line per (report, row):
//   rank,lambda,p,label,solver,objective,relative_gap,<metric>,<metric>_se,<metric>_difference (every
//   metric), fit_seconds,status,reference_converged
// Missing numbers are empty fields; text fields are quoted when needed.
std::string approximation_gap_csv(const std::vector<GapReport>& reports);

}  // namespace aelab
