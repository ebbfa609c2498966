#pragma once
// One evaluation run, as `aelab eval` performs it: fit a solver on the training users of a split, score
// the held-out users (validation or test) in batches with their fold-in items masked, and report the
// metrics (mean and standard error), the users evaluated and excluded, the Eq. 7 objective where the
// solver defines it, the stage timings and the solver's diagnostics, as one JSON object:
//   {"solver", "params", "on", "dtype", "metrics": {"ndcg@100": {"mean", "se"}, ...}, "n_users",
//    "n_users_excluded", "objective", "seconds": {stages..., "fit", "evaluate"}, "diagnostics"}
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/split_data.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/dtype.hpp"
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

// Throws aelab::Error for an unknown part or a split whose held-out items do not match the training items.
nlohmann::json evaluate_solver(const SplitData& split, const Solver& solver, const ParamSet& params,
                               const EvaluationOptions& options);

}  // namespace aelab
