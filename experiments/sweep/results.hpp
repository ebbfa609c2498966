#pragma once
// The run-level result files, rebuilt from the point records every time a run ends (so a resumed run
// and an uninterrupted one write the same bytes):
//  - summary.csv, tidy long form, one row per (point, split, metric):
//      solver_id,solver,rank,lambda,p,<other parameters, sorted>,split,metric,value,se,n_users
//    split is "validation" or "test" (metrics), or "train" (metric "objective": SPEC Eq. 7, where the
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
#include "experiments/sweep/point_store.hpp"

namespace aelab {

// records[s][i]: the record of point i of config.solvers[s], if it exists (with per-user vectors).
using SweepRecords = std::vector<std::vector<std::optional<PointRecord>>>;

// The selection metric's validation mean of each point of config.solvers[s] (NaN where none).
std::vector<double> validation_scores(const ExperimentConfig& config, const SweepRecords& records, std::size_t s);

std::string summary_csv(const ExperimentConfig& config, const SweepRecords& records);
std::string timings_csv(const ExperimentConfig& config, const SweepRecords& records);
nlohmann::json selection_json(const ExperimentConfig& config, const SweepRecords& records);
std::string comparisons_csv(const nlohmann::json& selection);

// Writes all of the above (atomically) into config.output.dir; per-user files when save_per_user.
// Returns the selection.
nlohmann::json write_run_outputs(const ExperimentConfig& config, const SweepRecords& records);

// The selected points as `aelab run` prints them at the end: test metric (mean +- se) and parameters.
void print_selection(std::ostream& out, const ExperimentConfig& config, const nlohmann::json& selection);

// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break.
std::string csv_field(const std::string& text);
// The shortest decimal form that reads back to the same double ("0.33", "500", "1e-07"); "nan", "inf".
std::string format_double(double x);
// A parameter value as text: strings as they are, numbers as format_double / integers, lists as JSON.
std::string format_param(const nlohmann::json& value);

}  // namespace aelab
