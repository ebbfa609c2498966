#pragma once
// Plots from stored results (`aelab plot RESULTS_DIR`, and at the end of `aelab run`): for each plot
// a data file (.dat), a gnuplot script (.gp) that users can restyle and rerun (`gnuplot NAME.gp` in
// the plots folder), and, when gnuplot is installed, NAME.svg and NAME.png. Everything is drawn from
// selection.json and manifest.json, i.e. from the points selected on validation:
//  - metric_vs_rank (Figure 1): test_<metric>_vs_rank for every evaluated metric: the test metric at
//    the selected point of each rank, one line per solver with standard-error bars, log rank axis,
//    "full" placed right of the largest finite rank (at twice it) and labelled; solvers without a
//    rank are drawn as dashed horizontal lines; admm, closed_form_approx, zero_diagonal and
//    unconstrained keep the paper's black, red, green and blue (entry colours are fixed per folder);
//  - time_vs_rank (Table 1): fit_time_vs_rank, training time of the selected points per solver;
//  - selected_params_vs_rank: selected_<param>_vs_rank for every swept parameter other than rank;
//  - approximation_gap (when approximation_gap.json exists, see experiments/gap_experiment.hpp):
//    approximation_gap_vs_rank, the relative Eq. 7 gap to exact per solver (log-log), and
//    approximation_gap_<metric>_difference_vs_rank, the metric minus exact's.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace aelab {

struct PlotReport {
  std::vector<std::string> scripts;  // .gp files written
  std::vector<std::string> images;   // .svg and .png files rendered
  bool rendered = false;             // gnuplot ran successfully on every script
  std::string note;                  // why images are missing, when they are
};

// `kinds`: a subset of plot_kinds() (experiments/config.hpp). Throws aelab::Error when the results
// folder lacks manifest.json or selection.json.
PlotReport write_plots(const std::string& results_dir, const std::vector<std::string>& kinds);

// Figure 1 as the paper draws it: one figure with one panel per results folder, each titled with its
// data set, the test `metric` (default: the first folder's selection metric) of the selected point
// per rank, every solver entry in the same colour in every panel. Writes `out_file`'s stem .gp and one
// .dat per panel next to it and renders both .svg and .png when gnuplot is installed. Throws
// aelab::Error naming the folder that is not a results folder or did not evaluate `metric`.
PlotReport write_combined_figure(const std::vector<std::string>& results_dirs, const std::optional<std::string>& metric,
                                 const std::string& out_file);

// write_plots at the end of a run: one line on `out` (unless quiet) saying where the images are, or
// where the scripts are and why gnuplot did not render them, starting with `label`; a failure is a
// warning on `log` ("aelab: warning: <label> not drawn: ..."), never an error, since the results
// themselves are complete.
void draw_run_plots(const std::string& results_dir, const std::vector<std::string>& kinds, const std::string& label,
                    bool quiet, std::ostream& out, std::ostream& log);

}  // namespace aelab
