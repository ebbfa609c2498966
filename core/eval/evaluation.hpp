#pragma once
// One evaluation run, as `aelab eval` performs it: fit a solver on the training users of a split, score
// the held-out users (validation or test) in batches with their fold-in items masked, and report the
// metrics (mean and standard error), the users evaluated and excluded, the fit's report and the
// timings. to_json() is the `--json` output:
//   {"solver", "params", "on", "dtype", "metrics": {"ndcg@100": {"mean", "se"}, ...}, "n_users",
//    "n_users_excluded", "n_nonfinite_scores", "objective", "seconds": {stages..., "fit", "evaluate"},
//    "peak_rss_bytes", "report"}
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/split_data.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/dtype.hpp"
#include "core/solver/registry.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

struct EvaluationOptions {
  std::string on = "validation";  // "validation" or "test"
  Dtype dtype = Dtype::float64;
  bool force_memory = false;
  int threads = 0;                // Gram accumulation threads (0: all cores); BLAS threads are set by the caller
  std::size_t batch_users = 0;    // 0: automatic (about 256 MiB of scores per batch)
  std::vector<MetricSpec> metrics = default_metrics();
  std::function<void(const std::string&)> log;  // progress lines; may be empty
};

struct SolverEvaluation {
  std::string solver;
  ParamSet params;
  std::string on;
  Dtype dtype = Dtype::float64;
  std::vector<MetricSpec> metrics;
  EvaluationResult result;   // per-user values of every metric
  FitReport report;          // the fitted model's report
  double fit_seconds = 0;    // wall time of the fit (the report's stages are inside it)
  std::size_t peak_rss_bytes = 0;
  nlohmann::json to_json() const;
};

// Throws aelab::Error for an unknown part or a split whose held-out items do not match the training
// items. `registry` is where `solver` was found (solvers that build on others look them up there).
SolverEvaluation evaluate_solver(const SplitData& split, const Solver& solver, const ParamSet& params,
                                 const Registry& registry, const EvaluationOptions& options);

}  // namespace aelab
