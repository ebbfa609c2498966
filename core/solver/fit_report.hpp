#pragma once
// What a fit reports besides its model, as typed fields that solvers fill and every consumer (the
// sweep runner, the approximation gap, the Proposition, `aelab eval`) reads. JSON exists only at the
// output edge: to_json() for point files and `--json`, nothing reads keys back by string.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/linalg/dtype.hpp"
#include "core/solver/params.hpp"

namespace aelab {

// Wall time per stage ("gram", "inverse", "eigen", "epochs", ...) in the order the stages ran;
// "total" is the whole fit.
class StageSeconds {
 public:
  void set(const std::string& stage, double seconds);  // replaces, or appends a new stage
  void add(const std::string& stage, double seconds);  // accumulates
  void erase(const std::string& stage);
  std::optional<double> get(const std::string& stage) const;
  const std::vector<std::pair<std::string, double>>& stages() const { return stages_; }
  nlohmann::json to_json() const;

 private:
  std::vector<std::pair<std::string, double>> stages_;
};

// The top-k eigenpairs behind a low-rank model (docs/MATH.md, "Eigenvectors"): which method, how
// accurate, and how well separated the cut-off is (a degenerate eigenvalue at rank k makes the rank-k
// model non-unique).
struct EigenReport {
  std::string method;
  std::size_t k_computed = 0;   // the decomposition's rank (the largest of its sweep)
  double value_at_cutoff = 0;   // eigenvalue k
  double next_value = 0;        // eigenvalue k + 1; NaN when not computed
  double gap = 0;               // value_at_cutoff - next_value; NaN when not computed
  double relative_gap = 0;      // gap / largest eigenvalue
  double max_residual = 0;      // max relative residual of the pairs; NaN when not measured (dense)
  double tolerance = 0;
  std::size_t iterations = 0, matrix_products = 0, block_size = 0;
  std::size_t shared_by_ranks = 1;  // models of the sweep served by this decomposition
  nlohmann::json to_json() const;
};

// How a fit used the shared inverse C = (G + Lambda)^{-1}.
struct InverseUse {
  bool reused = false;              // served from the cache (computed by an earlier fit)
  double seconds_when_computed = 0; // what computing it cost, whoever paid
};

// Optimisers that stop on a criterion report how close they got.
struct Convergence {
  bool converged = false;
  std::string criterion;       // e.g. "relative gradient norm"
  double measure = 0;          // the criterion's value at the returned point
  double tolerance = 0;
  std::size_t iterations = 0;  // accepted iterations
  std::size_t evaluations = 0; // objective/gradient evaluations
  std::size_t restarts = 0;
  nlohmann::json to_json() const;
};

// One row per iteration (epoch 0 or iteration 0 is the start): the objective the solver minimises,
// its constraint residual where it has one, wall time, and solver-specific columns.
struct TracePoint {
  std::size_t iteration = 0;
  double objective = 0;
  double residual = 0;           // NaN when the solver has none
  double seconds = 0;
  std::vector<double> extra;     // one value per Trace::extra_columns (NaN: not measured)
};

struct Trace {
  std::string iteration_name = "epoch";  // "epoch" or "iteration"
  std::string objective_name = "objective";
  std::string residual_name;             // e.g. "max|diag(UV^T)|", "relative_gradient_norm"; "" when none
  std::vector<std::string> extra_columns;
  std::vector<TracePoint> points;
  std::size_t completed = 0;  // iterations completed (the start not counted)
  std::size_t best = 0;       // the iteration of lowest objective (0: none)
  std::size_t returned = 0;   // the iteration whose model is returned
  bool empty() const { return points.empty(); }
  nlohmann::json to_json() const;  // [{"epoch": 0, "objective": ..., "<residual_name>": ..., "seconds": ...}, ...]
};

struct FitReport;

// A fit that starts from another solver's model (a warm start) reports that fit too.
struct StartReport {
  std::string solver;
  ParamSet params;
  double objective = 0;           // the start's objective, as the starting solver's model
  double objective_after_v_step = 0;
  double relative_gap = 0;        // (start - returned) / returned objective
  std::shared_ptr<const FitReport> report;  // the starting fit's own report (null for a random start)
};

// A solver-specific fact worth recording (e.g. an MLP's parameter count); shown and serialised, never
// read back by generic code.
struct Fact {
  std::string name;
  nlohmann::json value;
};

struct FitReport {
  Dtype dtype = Dtype::float64;
  // The training objective of the returned model: docs/MATH.md Eq. 7 for the linear EDLAE family
  // (docs/MATH.md), the solver's own loss otherwise (e.g. the MLP's SE + weight decay).
  std::optional<double> objective;
  // Why the iterations ended ("epochs", "relative gradient norm <= tolerance", "stopped at epoch 3:
  // ..."); empty for closed forms.
  std::string stop_reason;
  bool stopped_early = false;  // the run ended before its plan for a reason the researcher must see
  std::vector<std::string> warnings;
  StageSeconds seconds;
  std::size_t peak_rss_bytes = 0;
  bool peak_rss_of_fit = false;  // true: the high-water mark was reset at the start of the fit
  std::size_t memory_estimate_bytes = 0;
  std::optional<EigenReport> eigen;
  std::optional<InverseUse> inverse;
  std::optional<Convergence> convergence;
  Trace trace;
  std::optional<StartReport> start;
  std::vector<Fact> facts;

  void fact(const std::string& name, nlohmann::json value) { facts.push_back({name, std::move(value)}); }
  const Fact* find_fact(const std::string& name) const;
  nlohmann::json to_json() const;
};

}  // namespace aelab
