#pragma once
// `aelab run` for sweep configs: fits every grid point of every solver entry on one split, selects
// hyperparameters on validation users, and leaves the results under the output dir (see
// docs/CONFIG.md, "Results"):
//   manifest.json, points/<solver-id>/*.json (+ .users.bin), summary.csv, timings.csv,
//   selection.json, comparisons.csv, per_user/ (save_per_user), failures.json (if any), plots/, run.log.
//
// Reuse: one split and one LinalgCache (Gram) per run; fits ordered by (dtype, lambda, p) so each
// inverse is computed once and shared by every solver and rank at that (lambda, p); the ranks of one
// (solver, other parameters) go to a single Solver::fit_ranks call (one decomposition at the largest
// rank) unless execution.rank_fits is "independent".
// Resume: finished points whose key matches are read back instead of refitted (--force refits); a
// killed run leaves only complete point files (atomic writes); the outputs are rebuilt from the point
// records, so a resumed run writes the same summary.csv as an uninterrupted one.
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/sweep/config.hpp"
#include "experiments/common/data_source.hpp"

namespace aelab {

struct RunOptions {
  bool check_only = false;    // validate the config, print what it would run, load nothing
  bool dry_run = false;       // print the plan (grid, fits, memory) and stop
  bool force = false;         // refit points that are already stored
  bool quiet = false;         // no progress output (errors still go to the caller)
  std::size_t max_fits = 0;   // stop after this many new fits (0: no limit); the run is "incomplete"
  bool plots = true;          // draw the configured plots at the end when gnuplot is available
  std::optional<bool> progress_bar;  // default: when the log stream is a terminal (stderr)
  std::ostream* out = nullptr;       // plan and final report (default std::cout)
  std::ostream* log = nullptr;       // progress and log lines (default std::cerr)
};

struct RunReport {
  std::string output_dir;
  std::size_t points = 0;    // in the grid
  std::size_t reused = 0;    // read back from earlier runs
  std::size_t computed = 0;  // fitted by this run
  std::size_t failed = 0;    // fits that threw (reported in failures.json)
  std::size_t not_run = 0;   // left for a later run (max_fits)
  bool complete() const { return failed == 0 && not_run == 0; }
  std::size_t inversions = 0;  // distinct inverses computed (LinalgCache statistics)
  std::size_t inverse_reuses = 0;
  nlohmann::json selection;    // what selection.json holds at the end (null after a dry run)
};

// Runs a validated config on already loaded data.
RunReport run_sweep(const ExperimentConfig& config, const ExperimentData& data, const RunOptions& options);

// Loads the config's data (saving the split when asked), then run_sweep. For dry runs nothing is
// written.
RunReport run_sweep(const ExperimentConfig& config, const RunOptions& options);

}  // namespace aelab
