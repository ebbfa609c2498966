#pragma once
// `aelab run` for sweep configs: fits every grid point of every solver entry on one split, selects
// hyperparameters on validation users, and leaves the results under the output dir (see
// docs/CONFIG.md, "Results"):
//   manifest.json, points/<solver-id>/*.json (+ .users.bin), summary.csv, timings.csv,
//   selection.json, comparisons.csv, per_user/ (save_per_user), failures.json (if any), plots/, run.log.
//
// A run is a sequence of stages (runner.cpp): scan the stored points (resume), plan the solver calls
// (experiments/sweep/plan.hpp), check memory, fit the units (each model evaluated and persisted as soon
// as it exists), select on validation and write the outputs, plot. Reuse: one split and one
// LinalgCache (Gram) per run; units ordered so each shared inverse is computed once; the ranks of one
// (entry, other parameters) go to a single Solver::fit_ranks call unless execution.rank_fits is
// "independent". Resume: finished points whose key matches are read back instead of refitted (--force
// refits); a killed run leaves only complete point files (atomic writes); the outputs are rebuilt from
// the point records, so a resumed run writes the same summary.csv as an uninterrupted one.
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "experiments/common/data_source.hpp"
#include "experiments/common/resumable_job.hpp"
#include "experiments/common/run_options.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/results.hpp"

namespace aelab {


// The job options of a run of `config` with `options` (lock, log, threads, budget, failure policy).
JobOptions job_options(const ExperimentConfig& config, const RunOptions& options);

struct RunReport {
  std::string output_dir;
  std::size_t points = 0;    // in the grid
  std::size_t reused = 0;    // read back from earlier runs
  std::size_t computed = 0;  // fitted by this run
  std::size_t failed = 0;    // fits that threw (reported in failures.json)
  std::size_t not_run = 0;   // left for a later run (max_fits)
  // Given split: the selected points refitted on every training row (fitted now, stored, left).
  std::size_t refitted = 0, refit_reused = 0, refit_not_run = 0;
  bool complete() const { return failed == 0 && not_run == 0 && refit_not_run == 0; }
  std::size_t inversions = 0;  // distinct inverses computed (LinalgCache statistics)
  std::size_t inverse_reuses = 0;
  SweepRecords records;        // the point records at the end (per-user vectors of the chosen points only)
  SweepSelection selection;    // what selection.json holds at the end (empty after a dry run)
};

// Runs a validated config on already loaded data, inside `job` (which holds the output folder's lock).
RunReport run_sweep(const ExperimentConfig& config, const ExperimentData& data, ResumableJob& job,
                    const RunOptions& options);

// Under options.backend, on every process but the writer: the same collective steps as run_sweep on
// the writer (checks, the writer's plan, every unit's fit), reading and writing nothing.
void follow_sweep(const ExperimentConfig& config, const ExperimentData& data, const RunOptions& options);

// The same with a job of its own; for dry runs nothing is locked or written.
RunReport run_sweep(const ExperimentConfig& config, const ExperimentData& data, const RunOptions& options);

// Loads the config's data (saving the split when asked), then run_sweep.
RunReport run_sweep(const ExperimentConfig& config, const RunOptions& options);

}  // namespace aelab
