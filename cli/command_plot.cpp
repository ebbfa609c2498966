// `aelab plot RESULTS_DIR`: (re)draws the plots of a results folder from its stored results.
// `aelab plot --combine DIR ... --out FILE`: Figure 1 with one panel per results folder.
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/plots.hpp"

namespace aelab::cli {

namespace fs = std::filesystem;

int command_plot(const Arguments& args) {
  CommandLine cl("aelab plot",
                 "Writes gnuplot scripts and data for the plots of a results folder, and renders them to SVG and\n"
                 "PNG when gnuplot is installed (files in RESULTS_DIR/plots). With --combine: one figure, one\n"
                 "panel per results folder (Figure 1 as the paper draws it), written to --out.");
  std::optional<std::string> results_dir, out, metric;
  std::vector<std::string> kinds, combine;
  cl.app.add_option("RESULTS_DIR", results_dir, "a results folder of aelab run")->check(existing_folder());
  cl.repeatable("--kind", kinds, "KIND", "metric_vs_rank, time_vs_rank, selected_params_vs_rank or approximation_gap (default: all)")
      ->check(one_of(plot_kinds()));
  cl.app.add_option("--combine", combine, "results folders, one panel each (Figure 1 across data sets)")
      ->type_name("DIR ...")
      ->expected(1, -1)
      ->check(existing_folder());
  cl.option("--out", out, "FILE", "with --combine: the figure, FILE.svg or FILE.png (both are rendered)");
  cl.option("--metric", metric, "NAME", "with --combine: the test metric drawn (default: the first folder's selection metric)");
  if (!cl.parse(args)) return 0;
  if (!combine.empty()) {
    if (results_dir) throw Error("aelab plot: RESULTS_DIR and --combine exclude each other (list every folder after --combine)");
    if (!kinds.empty()) throw Error("aelab plot: --kind does not apply to --combine (it draws the test metric vs rank)");
    if (!out) throw Error("aelab plot: --combine needs --out FILE (.svg or .png)");
    const fs::path figure(*out);
    // What a killed `aelab plot --combine` left beside the figure (its writer is gone).
    remove_orphaned_temp_files(figure.parent_path().empty() ? "." : figure.parent_path().string(), figure.stem().string() + ".");
    const PlotReport report = write_combined_figure(combine, metric, *out);
    for (const auto& i : report.images) std::cout << "image:  " << i << "\n";
    if (!report.note.empty()) std::cout << "note: " << report.note << "\n";
    return report.rendered ? 0 : 1;
  }
  if (!results_dir) throw Error("aelab plot: RESULTS_DIR is required (or --combine DIR ... --out FILE; see aelab plot --help)");
  if (out || metric) throw Error(std::string("aelab plot: ") + (out ? "--out" : "--metric") + " needs --combine");
  if (kinds.empty()) kinds = plot_kinds();
  // What a killed plot left (an `aelab run` still plotting into the folder keeps its own files).
  remove_orphaned_temp_files((fs::path(*results_dir) / "plots").string());
  const PlotReport report = write_plots(*results_dir, kinds);
  for (const auto& s : report.scripts) std::cout << "script: " << (fs::path(*results_dir) / "plots" / s).string() << "\n";
  for (const auto& i : report.images) std::cout << "image:  " << i << "\n";
  if (!report.note.empty()) std::cout << "note: " << report.note << "\n";
  return report.rendered || report.scripts.empty() ? 0 : 1;
}

}  // namespace aelab::cli
