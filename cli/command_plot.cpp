// `aelab plot RESULTS_DIR`: (re)draws the plots of a results folder from its stored results.
#include <filesystem>
#include <iostream>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "core/util/error.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/plots.hpp"

namespace aelab::cli {

namespace fs = std::filesystem;

int command_plot(const Arguments& args) {
  CommandLine cl("aelab plot",
                 "Writes gnuplot scripts and data for the plots of a results folder, and renders them to SVG and\n"
                 "PNG when gnuplot is installed (files in RESULTS_DIR/plots).");
  std::string results_dir;
  std::vector<std::string> kinds;
  cl.positional("RESULTS_DIR", results_dir, "a results folder of aelab run")->check(existing_folder());
  cl.repeatable("--kind", kinds, "KIND", "metric_vs_rank, time_vs_rank, selected_params_vs_rank or approximation_gap (default: all)")
      ->check(one_of(plot_kinds()));
  if (!cl.parse(args)) return 0;
  if (kinds.empty()) kinds = plot_kinds();
  const PlotReport report = write_plots(results_dir, kinds);
  for (const auto& s : report.scripts) std::cout << "script: " << (fs::path(results_dir) / "plots" / s).string() << "\n";
  for (const auto& i : report.images) std::cout << "image:  " << i << "\n";
  if (!report.note.empty()) std::cout << "note: " << report.note << "\n";
  return report.rendered || report.scripts.empty() ? 0 : 1;
}

}  // namespace aelab::cli
