// Files of the Proposition experiment (declared in experiments/proposition.hpp): the table as CSV and
// JSON, and a gnuplot script (kept, so users can restyle it) rendered to SVG and PNG. Every file is
// written to a temporary name in the same folder and renamed into place (core/util/file_writer.hpp,
// experiments/gnuplot.hpp), so a killed run never leaves a half-written result.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "experiments/common/gnuplot.hpp"
#include "experiments/proposition/proposition.hpp"

namespace aelab {

namespace {

namespace fs = std::filesystem;

std::string number(double x) {
  if (!std::isfinite(x)) return "";
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

// An architecture parameter as a CSV cell ("" when the row has no such parameter).
std::string param_cell(const ParamSet& params, const std::string& name) {
  if (!params.has(name)) return "";
  const ParamValue& value = params.get(name);
  if (const auto* widths = std::get_if<std::vector<std::int64_t>>(&value)) {
    std::string text;  // "600-200"
    for (std::int64_t w : *widths) text += (text.empty() ? "" : "-") + std::to_string(w);
    return text;
  }
  return param_value_text(value);
}

std::string csv_table(const PropositionResult& result, const PropositionSettings& settings) {
  std::ostringstream csv;
  csv << "architecture";
  for (const auto& column : settings.architecture_columns) csv << "," << column;
  csv << ",k,bound_rank,se_bound,se,ratio,violation,epochs_run,stopped,seconds\n";
  const std::string raising = settings.solver->traits().rank_raising_param;
  for (const auto& row : result.rows) {
    const ParamSet& params = row.details.params;
    csv << row.architecture;
    for (const auto& column : settings.architecture_columns) {
      const std::string cell = param_cell(params, column);
      // The closed-form rows have no architecture: no output bias.
      csv << "," << (cell.empty() && column == raising ? "false" : cell);
    }
    csv << "," << row.k << "," << row.bound_rank << "," << number(row.se_bound) << ","
        << number(row.se) << "," << number(row.ratio) << "," << (row.violation ? "true" : "false") << ","
        << row.details.epochs_run << "," << row.details.stopped << "," << number(row.details.seconds) << "\n";
  }
  return csv.str();
}

nlohmann::json json_table(const PropositionResult& result, const PropositionSettings& settings) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : result.rows) {
    nlohmann::json r = {{"architecture", row.architecture}, {"k", row.k},          {"bound_rank", row.bound_rank},
                        {"se_bound", row.se_bound},         {"se", row.se},        {"violation", row.violation},
                        {"details", row.details.to_json()}};
    r["ratio"] = std::isfinite(row.ratio) ? nlohmann::json(row.ratio) : nlohmann::json();
    rows.push_back(r);
  }
  nlohmann::json architectures = nlohmann::json::array();
  for (const auto& a : settings.architectures) architectures.push_back({{"id", a.id}, {"params", a.params.to_json()}});
  return {{"experiment", "proposition"},
          {"data", {{"users", result.users}, {"items", result.items}, {"nnz", result.nnz},
                    {"frobenius_squared", result.frobenius_squared}}},
          {"tolerance", result.tolerance},
          {"ranks", settings.ranks},
          {"eigen", result.eigen},
          {"architectures", architectures},
          {"rows", rows},
          {"violations", result.violations},
          {"mlp_fits", {{"trained", result.trained}, {"reused", result.reused}}},
          {"seconds", result.seconds},
          {"config", settings.section}};
}

// Self-contained gnuplot script: the data are inline datablocks, the output names default to the
// files next to it (experiments/gnuplot.hpp). Two panels: SE vs k
// (the bound line and one line per architecture) and SE / SE_lin vs k (where a violation would show
// as a point below 1).
std::string gnuplot_script(const PropositionResult& result) {
  std::map<std::string, std::vector<const PropositionRow*>> lines;  // architecture -> rows in k order
  std::vector<std::string> order;
  std::map<std::size_t, double> bound_of_rank;
  bool any_bias = false;
  for (const auto& row : result.rows) {
    if (!lines.count(row.architecture)) order.push_back(row.architecture);
    lines[row.architecture].push_back(&row);
    bound_of_rank[row.bound_rank] = row.se_bound;
    any_bias = any_bias || row.bound_rank != row.k;
  }
  std::ostringstream gp;
  gp << "# Proposition (docs/MATH.md §2.6): training squared error vs rank k, written by aelab.\n"
     << "# Re-render from this folder: gnuplot proposition.gp\n"
     << gnuplot_output_defaults("proposition")
     << "# columns: k, training SE, SE / bound\n";
  gp << "$bound << EOD\n";
  for (const auto* row : lines["linear_ae"]) gp << row->k << " " << number(row->se_bound) << " 1\n";
  gp << "EOD\n";
  if (any_bias) {
    gp << "$bound_plus_one << EOD\n";
    for (const auto* row : lines["linear_ae"])
      if (bound_of_rank.count(row->k + 1)) gp << row->k << " " << number(bound_of_rank[row->k + 1]) << " 1\n";
    gp << "EOD\n";
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == "linear_ae") continue;
    gp << "$arch" << i << " << EOD\n";
    for (const auto* row : lines[order[i]])
      gp << row->k << " " << number(row->se) << " " << (std::isfinite(row->ratio) ? number(row->ratio) : "NaN") << "\n";
    gp << "EOD\n";
  }
  auto plot_command = [&](int column, bool ratio) {
    std::ostringstream plot;
    plot << "plot $bound using 1:" << column << " with linespoints lw 3 lc rgb \"black\" pt 7 title \""
         << (ratio ? "bound (ratio 1)" : "bound SE_lin(k) = linear AE at V_k") << "\" noenhanced";
    if (any_bias && !ratio)
      plot << ", \\\n     $bound_plus_one using 1:2 with lines lw 2 dt 2 lc rgb \"gray40\" title \"bound SE_lin(k+1) (output bias)\" noenhanced";
    for (std::size_t i = 0; i < order.size(); ++i)
      if (order[i] != "linear_ae")
        plot << ", \\\n     $arch" << i << " using 1:" << column << " with linespoints lw 2 lc " << i << " pt " << i
             << " title \"" << order[i] << "\" noenhanced";
    return plot.str();
  };
  std::ostringstream panels;
  panels << "set multiplot layout 2,1 title \"Training error of rank-k autoencoders (" << result.users << " users x "
         << result.items << " items): nothing may go below the linear bound\" noenhanced\n"
         << "set xlabel \"rank k (width of the last hidden layer)\"\n"
         << "set logscale x\nset grid\nset key outside right top\n"
         << "set lmargin at screen 0.09\nset rmargin at screen 0.72\n"
         << "set ylabel \"training SE ||X - f(X)||_F^2\" noenhanced\n"
         << plot_command(2, false) << "\n"
         << "set ylabel \"SE / SE_lin (bound rank)\" noenhanced\n"
         << plot_command(3, true) << "\n"
         << "unset multiplot\n";
  gp << "set terminal svg size 1000,900 dynamic font \"sans,12\"\nset output svg_out\n" << panels.str()
     << "set terminal pngcairo size 1000,900 font \"sans,11\"\nset output png_out\n" << panels.str()
     << "unset output\n";
  return gp.str();
}

}  // namespace

std::string write_proposition_results(const PropositionResult& result, const PropositionSettings& settings,
                                      const std::string& out_dir, const nlohmann::json& provenance) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error(out_dir + ": cannot create the output folder: " + ec.message());
  write_file_atomically(out_dir + "/proposition.csv", csv_table(result, settings));
  nlohmann::json table = json_table(result, settings);
  if (!provenance.is_null()) table["provenance"] = provenance;
  write_file_atomically(out_dir + "/proposition.json", table.dump(2) + "\n");
  if (!settings.plot) return "";
  const std::string script = out_dir + "/proposition.gp";
  write_file_atomically(script, gnuplot_script(result));
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty()) return "plot: gnuplot is not installed; script kept at " + script;
  const std::string failure = render_gnuplot_script(gnuplot, out_dir, "proposition.gp");
  if (!failure.empty()) return "plot: " + failure + "; script kept at " + script;
  return "plot: " + out_dir + "/proposition.svg, " + out_dir + "/proposition.png";
}

}  // namespace aelab
