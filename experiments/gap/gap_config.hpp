#pragma once
// The "approximation_gap" section of a sweep config (docs/CONFIG.md): after the sweep, the
// approximation-gap report of experiments/gap/approximation_gap.hpp at each configured rank, so that
// "how far is Algorithm 1 (and ADMM, the zero-diagonal ALS, the unconstrained model) from the optimum
// of Eq. 7" becomes a measured curve next to Figure 1:
//   "approximation_gap": {
//     "ranks": [10, 50, 100, 200],         // with "selected_from": optional (default: every finite rank of the entry)
//     "selected_from": "closed_form_approx", // a solver entry id: at each rank, its (lambda, p) selected on validation
//     // or one fixed point for every rank:  "lambda": 20, "p": 0.33,
//     "on": "test",                        // held-out users of the metrics (default test, as Figure 1)
//     "metric": "ndcg@100",                // default: selection.metric
//     "reference": "exact",                // default: the registered solver that minimises Eq. 7 to a stationary point
//     "solvers": ["closed_form_approx", "admm", "zero_diagonal", "unconstrained"],  // default: every other Eq. 7 model
//     "common": {"seed": 0},               // parameters for every solver that has them (the top-level seed too)
//     "solver_params": {"admm": {"omega": 500, "epochs": 10}, "exact": {"max_iterations": 2000}},
//     "dtype": "float64"                   // default: the top-level dtype
//   }
// Without "selected_from", "lambda" and "p", the entry of the first compared solver is used when
// exactly one entry uses it.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/solver/registry.hpp"
#include "experiments/gap/approximation_gap.hpp"
#include "experiments/sweep/config.hpp"

namespace aelab {

struct GapConfig {
  std::vector<Rank> ranks;              // ascending; with selected_from, empty means every finite rank of that entry
  std::optional<Regularizer> fixed;     // one fixed (lambda, p) for every rank, or
  std::string selected_from;            // a solver entry id: at each rank, the (lambda, p) selected for it on validation
  ApproximationGapOptions options;      // on, metric, reference, solvers, common, per-solver parameters, dtype
};

// Validates the section (solver entries and selection are already parsed into `config`); errors
// name the JSON path. `resolved` receives the section with its defaults, for the manifest.
GapConfig parse_gap_config(const nlohmann::json& section, const std::string& path, const ExperimentConfig& config,
                           const Registry& registry, nlohmann::json& resolved);

}  // namespace aelab
