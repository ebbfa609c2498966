// `aelab plot RESULTS_DIR`: (re)draws the plots of a results folder from its stored results.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "core/util/error.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/plots.hpp"

namespace aelab::cli {

namespace fs = std::filesystem;

int command_plot(const Arguments& args) {
  CommandLine cl("aelab plot",
                 "Writes gnuplot scripts and data for the plots of a results folder, and renders them to SVG and\n"
                 "PNG when gnuplot is installed (files in RESULTS_DIR/plots).",
                 {{"kind", "KIND",
                   "metric_vs_rank, time_vs_rank, selected_params_vs_rank or approximation_gap (repeatable; default: "
                   "all)"}},
                 "RESULTS_DIR");
  if (!cl.parse(args)) return 0;
  if (cl.positional().size() != 1) throw Error("aelab plot: expected one RESULTS_DIR (see aelab plot --help)");
  std::vector<std::string> kinds = cl.values("kind");
  const auto& all = plot_kinds();
  for (const auto& k : kinds) {
    if (std::find(all.begin(), all.end(), k) == all.end()) {
      std::string known;
      for (const auto& a : all) known += (known.empty() ? "" : ", ") + a;
      throw Error("aelab plot: --kind expects one of " + known + ", got \"" + k + "\"");
    }
  }
  if (kinds.empty()) kinds = plot_kinds();
  const PlotReport report = write_plots(cl.positional()[0], kinds);
  for (const auto& s : report.scripts) std::cout << "script: " << (fs::path(cl.positional()[0]) / "plots" / s).string() << "\n";
  for (const auto& i : report.images) std::cout << "image:  " << i << "\n";
  if (!report.note.empty()) std::cout << "note: " << report.note << "\n";
  return report.rendered || report.scripts.empty() ? 0 : 1;
}

}  // namespace aelab::cli
