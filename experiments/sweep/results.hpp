#pragma once
// The run-level result files, rebuilt from the point records every time a run ends (so a resumed run
// and an uninterrupted one write the same bytes):
//  - summary.csv, tidy long form, one row per (point, split, metric):
//      solver_id,solver,rank,lambda,p,<other parameters, sorted>,split,metric,value,se,n_users
//    split is "validation" or "test" (metrics), or "train" (metric "objective": docs/MATH.md Eq. 7, where the
//    solver reports it; se and n_users empty). Numbers are written in the shortest form that reads
//    back to the same double. No timings: those are in timings.csv.
//  - timings.csv: one row per point: parameters, fit mode, fit/evaluation seconds, peak RSS.
//  - selection.json: per solver and per value of the `per` keys, the chosen point (validation score,
//    test metrics, timings), and the paired tests between solvers at their chosen points.
//  - comparisons.csv: the paired tests, one row per (per values, solver pair, metric).
//  - per_user/<solver-id>/<per values>.csv: per-user test metrics of the chosen points (save_per_user).
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/sweep/config.hpp"
#include "core/stats/statistics.hpp"
#include "experiments/sweep/point_store.hpp"
#include "experiments/sweep/selection.hpp"

namespace aelab {

// records[s][i]: the record of point i of config.solvers[s], if it exists (with per-user vectors).
using SweepRecords = std::vector<std::vector<std::optional<PointRecord>>>;

// The selection metric's mean on the selection part (selection.on: validation, or test in leaderboard
// mode) of each point of config.solvers[s] (NaN where none).
std::vector<double> selection_scores(const ExperimentConfig& config, const SweepRecords& records, std::size_t s);

// A paired test between two entries' selected points at compatible `per` values, on one metric.
struct Comparison {
  ParamSet per;  // the union of both groups' per values
  std::string a, b, metric;
  bool computed = false;  // false: the per-user values are missing or for different users (note says so)
  std::size_t n_users = 0;
  double mean_a = 0, mean_b = 0, mean_difference = 0;
  TestResult t, wilcoxon;
  std::string note;
};

// The selection of a sweep: per entry its groups (experiments/sweep/selection.hpp), and the paired
// tests between the chosen points.
struct SweepSelection {
  std::vector<std::vector<SelectionGroup>> groups;  // groups[s]: of config.solvers[s]
  std::vector<Comparison> comparisons;
};

// Selects on validation and runs the paired tests; the chosen records must hold their per-user vectors.
SweepSelection select_points(const ExperimentConfig& config, const SweepRecords& records);

std::string summary_csv(const ExperimentConfig& config, const SweepRecords& records);
std::string timings_csv(const ExperimentConfig& config, const SweepRecords& records);
nlohmann::json selection_json(const ExperimentConfig& config, const SweepRecords& records, const SweepSelection& selection);
std::string comparisons_csv(const SweepSelection& selection);

// Writes all of the above (atomically) into config.output.dir; per-user files when save_per_user.
// Returns the selection.
SweepSelection write_run_outputs(const ExperimentConfig& config, const SweepRecords& records);

// The selected points as `aelab run` prints them at the end: test metric (mean +- se) and parameters.
void print_selection(std::ostream& out, const ExperimentConfig& config, const SweepRecords& records,
                     const SweepSelection& selection);

}  // namespace aelab
