#pragma once
// Runs the "approximation_gap" section of a sweep (experiments/gap/gap_config.hpp) after the sweep,
// on the same data and in the same resumable job. Outputs in the output folder (each file atomic):
//   approximation_gap/<rank=..,lambda=..,p=..>.json  one report per point with every fit's report,
//                                                    reused by a later run when its key matches (resume)
//   approximation_gap.json   {"format", "config", "at", "points": [reports without fit reports], "skipped", "failures"}
//   approximation_gap.csv    approximation_gap_csv of all points
//   plots/approximation_gap_vs_rank.*, plots/approximation_gap_<metric>_difference_vs_rank.*
// A point's key is the SHA-256 of the split's content digest, the point, every solver's parameters,
// the dtype, `on` and the metrics.
#include <iosfwd>
#include <string>
#include <vector>

#include "experiments/common/data_source.hpp"
#include "experiments/common/resumable_job.hpp"
#include "experiments/gap/gap_config.hpp"
#include "experiments/sweep/runner.hpp"

namespace aelab {

// The points to measure: the fixed (lambda, p) at every rank, or at each rank the (lambda, p) that the
// sweep's selection chose for the selected_from entry. Ranks without a selected point are left out
// with a line in `skipped`.
std::vector<GapPoint> gap_points(const GapConfig& gap, const ExperimentConfig& config, const RunReport& sweep,
                                 std::vector<std::string>& skipped);

struct GapRunReport {
  std::size_t points = 0, computed = 0, reused = 0, failed = 0;
  std::vector<GapReport> reports;  // by rank
};

// Runs the section after the sweep (whose selection it reads), with resume, inside the sweep's job,
// and writes the outputs and plots (unless options.plots is false). With options.dry_run it only
// prints the points (pass no job). Progress goes to the job's log; the summary table to options.out.
GapRunReport run_gap_section(const GapConfig& gap, const ExperimentConfig& config, const ExperimentData& data,
                             const RunReport& sweep, const Registry& registry, ResumableJob* job,
                             const RunOptions& options);

// One line per point (rank, lambda, p, the reference's status) with each solver's relative gap and
// metric difference: what `aelab run` prints at the end.
std::string format_gap_summary(const std::vector<GapReport>& reports);

}  // namespace aelab
