#pragma once
// The "approximation_gap" section of a sweep config (docs/CONFIG.md): after the sweep, the
// approximation-gap report of experiments/approximation_gap.hpp at each configured rank, so that "how far
// is Algorithm 1 (and ADMM, the zero-diagonal ALS, the unconstrained model) from the optimum of Eq. 7"
// becomes a measured curve next to Figure 1:
//   "approximation_gap": {
//     "ranks": [10, 50, 100, 200],         // with "selected_from": optional (default: every finite rank of the entry)
//     "selected_from": "closed_form_approx", // a solver entry id: at each rank, its (lambda, p) selected on validation
//     // or one fixed point for every rank:  "lambda": 20, "p": 0.33,
//     "on": "test",                        // held-out users of the metrics (default test, as Figure 1)
//     "metric": "ndcg@100",                // default: selection.metric
//     "solvers": ["closed_form_approx", "admm", "zero_diagonal", "unconstrained"],
//     "common": {"seed": 0},               // parameters for every solver that has them (the top-level seed too)
//     "solver_params": {"admm": {"omega": 500, "epochs": 10}, "exact": {"max_iterations": 2000}},
//     "dtype": "float64"                   // default: the top-level dtype
//   }
// Without "selected_from", "lambda" and "p", the entry whose solver is closed_form_approx is used when
// there is exactly one. Outputs in the output folder (each file atomic):
//   approximation_gap/<rank=..,lambda=..,p=..>.json  one report per point with every solver's diagnostics,
//                                                    reused by a later run when its key matches (resume)
//   approximation_gap.json   {"format", "config", "points": [reports without diagnostics], "skipped", "failures"}
//   approximation_gap.csv    approximation_gap_csv of all points
//   plots/approximation_gap_vs_rank.*, plots/approximation_gap_<metric>_difference_vs_rank.*
// A point's key is the SHA-256 of the split's content digest, the point, every solver's parameters,
// the dtype, `on` and the metrics.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/solver/registry.hpp"
#include "experiments/gap/approximation_gap.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/sweep/runner.hpp"

namespace aelab {

// Validates the section (solver entries and selection are already parsed into `config`); errors
// name the JSON path. `resolved` receives the section with its defaults, for the manifest.
GapConfig parse_gap_config(const nlohmann::json& section, const std::string& path, const ExperimentConfig& config,
                           const Registry& registry, nlohmann::json& resolved);

// The library options of the section (everything but the point).
ApproximationGapOptions gap_options(const GapConfig& gap, const ExperimentConfig& config);

// The points to measure: the fixed (lambda, p) at every rank, or at each rank the (lambda, p) that
// `selection` (selection.json of the sweep) chose for the selected_from entry. Ranks without a selected
// point are left out with a line in `skipped`.
std::vector<GapPoint> gap_points(const GapConfig& gap, const nlohmann::json& selection, std::vector<std::string>& skipped);

struct GapRunReport {
  std::size_t points = 0, computed = 0, reused = 0, failed = 0;
  std::vector<nlohmann::json> reports;  // by rank
};

// Runs the section on the sweep's data after the sweep (whose `selection` it reads), with resume,
// and writes the outputs and plots (unless options.plots is false). With options.dry_run it only
// prints the points. Progress goes to `log` unless options.quiet; the summary table to `out`.
GapRunReport run_gap_section(const ExperimentConfig& config, const ExperimentData& data, const nlohmann::json& selection,
                             const Registry& registry, const RunOptions& options);

// One line per point (rank, lambda, p, exact's status) with each solver's relative gap and metric
// difference: what `aelab run` prints at the end.
std::string format_gap_summary(const std::vector<nlohmann::json>& reports);

}  // namespace aelab
