#include "experiments/sweep/plots.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/file_writer.hpp"
#include "experiments/common/gnuplot.hpp"
#include "experiments/common/json_reader.hpp"
#include "core/util/number_text.hpp"
#include "experiments/sweep/results.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

nlohmann::json read_json_file(const fs::path& path) {
  const std::optional<std::string> text = read_file_bytes(path.string());
  if (!text) throw Error(path.string() + ": missing (not an aelab results folder, or the run has not finished once)");
  return parse_json_text(*text, path.string());
}

// A metric name as a file-name part: "ndcg@100" -> "ndcg100".
std::string file_part(const std::string& text) {
  std::string out;
  for (char c : text)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') out += c;
  return out;
}

std::string pretty_metric(const std::string& metric) {
  const auto at = metric.find('@');
  std::string kind = metric.substr(0, at);
  if (kind == "ndcg") kind = "nDCG";
  else if (kind == "recall") kind = "Recall";
  return at == std::string::npos ? kind : kind + "@" + metric.substr(at + 1);
}

struct Point {
  double x = 0, y = 0, se = 0;
};

struct Series {
  std::string title;
  std::string color;
  std::vector<Point> points;  // sorted by x
  bool horizontal = false;    // a solver without rank: one value across the axis
};

// One colour per solver entry, the same in every plot of a folder: the colour its solver declares
// (selection.json's "plot_color": the seed paper's Figure 1 colours for ADMM, Algorithm 1, the
// zero-diagonal ALS and the unconstrained model) for the entry whose id is that solver's name, or else
// for the only entry of that solver; other entries take the next colour of a palette without black,
// red, green and blue.
std::map<std::string, std::string> entry_colors(const nlohmann::json& selection) {
  static const std::vector<std::string> palette = {"#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                                                   "#7f7f7f", "#bcbd22", "#17becf", "#f0b400"};
  std::map<std::string, std::string> colors;
  std::set<std::string> taken;
  const auto& solvers = selection.at("solvers");
  const auto declared = [](const nlohmann::json& s) { return s.value("plot_color", std::string()); };
  for (const auto& s : solvers) {
    const std::string id = s.at("solver_id").get<std::string>();
    if (!declared(s).empty() && id == s.at("solver").get<std::string>() && !taken.count(declared(s))) {
      colors[id] = declared(s);
      taken.insert(declared(s));
    }
  }
  for (const auto& s : solvers) {
    const std::string id = s.at("solver_id").get<std::string>(), solver = s.at("solver").get<std::string>();
    if (colors.count(id) || declared(s).empty() || taken.count(declared(s))) continue;
    std::size_t entries = 0;
    for (const auto& other : solvers) entries += other.at("solver").get<std::string>() == solver;
    if (entries == 1) {
      colors[id] = declared(s);
      taken.insert(declared(s));
    }
  }
  std::size_t next = 0;
  for (const auto& s : solvers) {
    const std::string id = s.at("solver_id").get<std::string>();
    if (!colors.count(id)) colors[id] = palette[next++ % palette.size()];
  }
  return colors;
}

// The rank axis shared by every plot of a results folder.
struct RankAxis {
  std::set<std::uint64_t> finite;
  bool has_full = false;
  double full_x = 1;
  bool empty() const { return finite.empty() && !has_full; }
  double position(const nlohmann::json& rank) const {
    return rank.is_string() ? full_x : rank.get<double>();
  }
  double low() const { return finite.empty() ? full_x / 2 : double(*finite.begin()) / 1.5; }
  double high() const { return has_full ? full_x * 1.5 : double(*finite.rbegin()) * 1.5; }
};

RankAxis rank_axis(const nlohmann::json& selection) {
  RankAxis axis;
  for (const auto& solver : selection.at("solvers"))
    for (const auto& group : solver.at("groups")) {
      const auto& chosen = group.at("selected");
      if (chosen.is_null() || !chosen.at("params").contains("rank")) continue;
      const auto& rank = chosen.at("params").at("rank");
      if (rank.is_string()) axis.has_full = true;
      else axis.finite.insert(rank.get<std::uint64_t>());
    }
  // "full" sits right of the largest finite rank, where the log axis leaves it visibly apart.
  axis.full_x = axis.finite.empty() ? 1.0 : 2.0 * double(*axis.finite.rbegin());
  return axis;
}

// One series per solver entry from the selected points; `value` extracts (y, se) or returns false.
template <typename Value>
std::vector<Series> collect(const nlohmann::json& selection, const RankAxis& axis,
                            const std::map<std::string, std::string>& colors, Value value) {
  std::vector<Series> all;
  for (const auto& solver : selection.at("solvers")) {
    Series series;
    series.title = solver.at("solver_id").get<std::string>();
    series.color = colors.at(series.title);
    for (const auto& group : solver.at("groups")) {
      const auto& chosen = group.at("selected");
      if (chosen.is_null()) continue;
      Point p;
      if (!value(chosen, p.y, p.se) || !std::isfinite(p.y)) continue;
      if (chosen.at("params").contains("rank")) {
        p.x = axis.position(chosen.at("params").at("rank"));
        series.points.push_back(p);
      } else {
        series.horizontal = true;
        series.points = {Point{axis.low(), p.y, 0}, Point{axis.high(), p.y, 0}};
        break;
      }
    }
    std::sort(series.points.begin(), series.points.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
    if (!series.points.empty()) all.push_back(std::move(series));
  }
  return all;
}

struct PlotSpec {
  std::string name;  // file stem
  std::string title, ylabel;
  bool error_bars = false;
  bool log_y = false;
};

std::string xtics(const RankAxis& axis) {
  std::string tics;
  for (std::uint64_t k : axis.finite) tics += (tics.empty() ? "" : ", ") + gnuplot_quote(std::to_string(k)) + " " + std::to_string(k);
  if (axis.has_full) tics += (tics.empty() ? "" : ", ") + gnuplot_quote("full") + " " + round_trip_text(axis.full_x);
  return tics;
}

// The series as gnuplot data blocks, one per series in plot-command order.
std::string series_data(const std::string& title, const RankAxis& axis, const std::vector<Series>& series) {
  std::string data = "# " + title + "\n# x (rank position; \"full\" at " + round_trip_text(axis.full_x) +
                     ")  y  se    one block per solver, in the order of the plot command\n";
  for (const Series& one : series) {
    data += "# " + one.title + "\n";
    for (const auto& p : one.points)
      data += round_trip_text(p.x) + " " + round_trip_text(p.y) + " " + round_trip_text(p.se) + "\n";
    data += "\n\n";
  }
  return data;
}

// The x-axis settings of one panel: log rank axis, tics at the ranks, "full" apart behind a dotted rule.
std::string rank_axis_settings(const RankAxis& axis) {
  std::ostringstream gp;
  gp << "set xlabel \"rank k\"\n"
     << "set logscale x\n"
     << "set xrange [" << round_trip_text(axis.low()) << ":" << round_trip_text(axis.high()) << "]\n"
     << "set xtics (" << xtics(axis) << ")\n";
  if (axis.finite.size() + axis.has_full > 8) gp << "set xtics rotate by -45\n";
  if (axis.has_full && !axis.finite.empty()) {
    // A dotted rule separates the finite ranks from "full", which is not at its true position n.
    const double separator = std::sqrt(double(*axis.finite.rbegin()) * axis.full_x);
    gp << "set arrow from " << round_trip_text(separator) << ", graph 0 to " << round_trip_text(separator)
       << ", graph 1 nohead dashtype 3 linecolor rgb \"#999999\"\n";
  }
  return gp.str();
}

// The plot command drawing `series` from the blocks of `data_file`. Lines that nearly coincide
// (Algorithm 1 and ADMM should) would hide each other's error bars: each series is shifted sideways
// by the script's `dodge` factor on the log axis.
std::string plot_command(const std::string& data_file, const std::vector<Series>& series, bool error_bars, bool with_titles) {
  std::size_t ranked = 0;
  for (const auto& one : series) ranked += !one.horizontal;
  std::string plot = "plot ";
  std::size_t position = 0;
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string source = gnuplot_quote(data_file) + " index " + std::to_string(s);
    if (s) plot += ", \\\n     ";
    const double offset = double(position) - 0.5 * double(ranked - 1);
    const std::string x = "($1*10**(dodge*(" + round_trip_text(offset) + ")))";
    const std::string style = "linewidth 2" + (series[s].color.empty() ? "" : " linecolor rgb " + gnuplot_quote(series[s].color)) +
                              (with_titles ? " title " + gnuplot_quote(series[s].title) : std::string(" notitle"));
    if (series[s].horizontal) {
      plot += source + " using 1:2 with lines dashtype 2 " + style;
      continue;
    }
    ++position;
    if (error_bars)
      plot += source + " using " + x + ":2:3 with yerrorlines pointtype 7 " + style;
    else
      plot += source + " using 1:2 with linespoints pointtype 7 " + style;
  }
  return plot;
}

std::string dodge_setting(const std::vector<Series>& series, bool error_bars) {
  std::size_t ranked = 0;
  for (const auto& one : series) ranked += !one.horizontal;
  return std::string("dodge = ") + (error_bars && ranked > 1 ? "0.012" : "0") + "  # log10 shift between neighbouring series\n";
}

// Writes NAME.dat and NAME.gp; returns the script's file name.
std::string write_plot(const fs::path& dir, const PlotSpec& spec, const RankAxis& axis, const std::vector<Series>& series) {
  write_file_atomically((dir / (spec.name + ".dat")).string(), series_data(spec.title, axis, series));
  std::ostringstream gp;
  gp << "# aelab plot: " << spec.title << "\n"
     << gnuplot_output_defaults(spec.name)
     << "# Restyle freely and rerun in this folder:  gnuplot " << spec.name << ".gp\n"
     << "# Data: " << spec.name << ".dat (x = rank; \"full\" is placed at x = " << round_trip_text(axis.full_x)
     << ", right of the largest finite rank)\n"
     << "set title " << gnuplot_quote(spec.title) << "\n"
     << "set ylabel " << gnuplot_quote(spec.ylabel) << "\n"
     << rank_axis_settings(axis);
  if (spec.log_y) gp << "set logscale y\nset format y \"%g\"\n";
  gp << "set grid\nset key outside right top\nset pointsize 1\n" << dodge_setting(series, spec.error_bars);
  gp << "set terminal svg size 960,600 dynamic noenhanced font \"Helvetica,13\" background rgb \"white\"\n"
     << "set output svg_out\n"
     << plot_command(spec.name + ".dat", series, spec.error_bars, true) << "\n"
     << "set terminal pngcairo size 960,600 noenhanced font \"Helvetica,11\" background rgb \"white\"\n"
     << "set output png_out\n"
     << "replot\n"
     << "unset output\n";
  write_file_atomically((dir / (spec.name + ".gp")).string(), gp.str());
  return spec.name + ".gp";
}

// The approximation-gap section's plots (experiments/gap_experiment.hpp), from approximation_gap.json:
// the relative Eq. 7 gap to exact vs rank (log-log; a gap <= 0 cannot be drawn on the log axis and is
// listed in the data file's header instead) and the metric difference to exact vs rank, one line per
// solver (admm's last and best iterate separately).
void add_gap_plots(const fs::path& dir, const fs::path& plots, const std::string& name, std::vector<std::string>& scripts) {
  const fs::path file = dir / "approximation_gap.json";
  if (!fs::exists(file)) return;
  const nlohmann::json gap = read_json_file(file);
  const nlohmann::json& points = gap.at("points");
  if (points.empty()) return;
  RankAxis axis;
  std::vector<std::string> labels, not_converged;
  std::map<std::string, std::string> colors;  // label -> the colour its row declares
  const std::string reference = points.front().at("reference").at("solver");
  for (const auto& report : points) {
    const auto& rank = report.at("point").at("rank");
    if (rank.is_string()) axis.has_full = true;
    else axis.finite.insert(rank.get<std::uint64_t>());
    if (!report.at("reference").value("converged", false))
      not_converged.push_back(rank.is_string() ? rank.get<std::string>() : rank.dump());
    for (const auto& row : report.at("rows")) {
      const std::string label = row.at("label");
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
      if (row.contains("plot_color")) colors[label] = row.at("plot_color").get<std::string>();
    }
  }
  axis.full_x = axis.finite.empty() ? 1.0 : 2.0 * double(*axis.finite.rbegin());
  const std::string metric = points.front().at("metric");
  const std::string on = points.front().at("on");
  std::string caveat;
  if (!not_converged.empty()) {
    caveat = "; " + reference + " NOT converged at rank";
    for (const auto& r : not_converged) caveat += " " + r;
  }
  std::vector<Series> gaps, differences;
  std::string omitted;
  for (const auto& label : labels) {
    Series g, d;
    g.title = d.title = label;
    const auto it = colors.find(label);
    if (it != colors.end()) g.color = d.color = it->second;
    for (const auto& report : points)
      for (const auto& row : report.at("rows")) {
        if (row.at("label") != label) continue;
        const double x = axis.position(report.at("point").at("rank"));
        const auto& value = row.at("relative_gap");
        if (label != reference && value.is_number()) {
          if (value.get<double>() > 0) g.points.push_back(Point{x, value.get<double>(), 0});
          else omitted += " " + label + " at rank " + report.at("point").at("rank").dump() + ": " + round_trip_text(value.get<double>()) + ";";
        }
        const auto& diff = row.at("metric_difference").at(metric);
        if (diff.is_number()) d.points.push_back(Point{x, diff.get<double>(), 0});
      }
    const auto by_x = [](const Point& a, const Point& b) { return a.x < b.x; };
    std::sort(g.points.begin(), g.points.end(), by_x);
    std::sort(d.points.begin(), d.points.end(), by_x);
    if (!g.points.empty()) gaps.push_back(std::move(g));
    if (!d.points.empty()) differences.push_back(std::move(d));
  }
  const std::string at = gap.value("at", "");
  if (!gaps.empty()) {
    PlotSpec spec{"approximation_gap_vs_rank",
                  name + ": relative Eq. 7 gap to " + reference + " vs rank (" + at + caveat + ")" +
                      (omitted.empty() ? "" : "; gaps <= 0 not drawn:" + omitted),
                  "(L - L_" + reference + ") / L_" + reference, false, true};
    scripts.push_back(write_plot(plots, spec, axis, gaps));
  }
  if (!differences.empty()) {
    PlotSpec spec{"approximation_gap_" + file_part(metric) + "_difference_vs_rank",
                  name + ": " + on + " " + pretty_metric(metric) + " minus " + reference + "'s vs rank (" + at + caveat + ")",
                  pretty_metric(metric) + " - " + reference, false, false};
    scripts.push_back(write_plot(plots, spec, axis, differences));
  }
}

// Runs gnuplot on every script of `report` (when installed) and lists the images.
void render_scripts(const fs::path& plots, PlotReport& report) {
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty()) {
    report.note = "gnuplot is not installed; run the .gp scripts later";
    return;
  }
  report.rendered = true;
  for (const auto& script : report.scripts) {
    const std::string failure = render_gnuplot_script(gnuplot, plots.string(), script);
    if (!failure.empty()) {
      report.rendered = false;
      report.note = failure;
      continue;
    }
    const std::string stem = script.substr(0, script.size() - 3);
    for (const char* ext : {".svg", ".png"})
      if (fs::exists(plots / (stem + ext))) report.images.push_back((plots / (stem + ext)).string());
  }
}

}  // namespace

namespace {

PlotReport write_plots_unchecked(const std::string& results_dir, const std::vector<std::string>& kinds) {
  const fs::path dir(results_dir);
  const nlohmann::json manifest = read_json_file(dir / "manifest.json");
  const nlohmann::json selection = read_json_file(dir / "selection.json");
  const nlohmann::json& config = manifest.at("config");
  const std::string name = config.at("name").get<std::string>();
  const fs::path plots = dir / "plots";
  fs::create_directories(plots);
  PlotReport report;
  auto wants = [&](const char* kind) { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); };
  if (wants("approximation_gap")) add_gap_plots(dir, plots, name, report.scripts);
  const RankAxis axis = rank_axis(selection);
  if (axis.empty()) {
    if (!report.scripts.empty()) render_scripts(plots, report);
    report.note = "no selected point has a rank: nothing to plot against rank";
    return report;
  }
  const auto colors = entry_colors(selection);
  const std::string selected_on = "selected on " + selection.at("on").get<std::string>() + " " +
                                  pretty_metric(selection.at("metric").get<std::string>());

  if (wants("metric_vs_rank")) {
    for (const auto& metric_json : config.at("evaluation").at("metrics")) {
      const std::string metric = metric_json.get<std::string>();
      const auto series = collect(selection, axis, colors, [&](const nlohmann::json& chosen, double& y, double& se) {
        if (!chosen.at("test").contains(metric)) return false;
        y = chosen.at("test").at(metric).at("mean").get<double>();
        se = chosen.at("test").at(metric).at("se").get<double>();
        return true;
      });
      if (series.empty()) continue;
      PlotSpec spec{"test_" + file_part(metric) + "_vs_rank",
                    name + ": test " + pretty_metric(metric) + " vs rank (" + selected_on + "; bars: standard error)",
                    "test " + pretty_metric(metric), true, false};
      report.scripts.push_back(write_plot(plots, spec, axis, series));
    }
  }
  if (wants("time_vs_rank")) {
    const bool independent = config.at("execution").at("rank_fits").get<std::string>() == "independent";
    const auto series = collect(selection, axis, colors, [&](const nlohmann::json& chosen, double& y, double& se) {
      const auto& t = chosen.at("timings");
      if (!t.contains("fit_seconds") || !t.at("fit_seconds").is_number()) return false;
      y = t.at("fit_seconds").get<double>();
      se = 0;
      return y > 0;
    });
    if (!series.empty()) {
      PlotSpec spec{"fit_time_vs_rank",
                    name + ": training time vs rank (" +
                        (independent ? std::string("each rank fitted independently")
                                     : std::string("shared rank sweeps: time since the previous rank's model")) +
                        ")",
                    "training time (s)", false, true};
      report.scripts.push_back(write_plot(plots, spec, axis, series));
    }
  }
  if (wants("selected_params_vs_rank")) {
    std::set<std::string> swept;
    for (const auto& solver : config.at("solvers"))
      for (const auto& item : solver.at("grid").items())
        if (item.key() != "rank" && item.value().size() > 1) swept.insert(item.key());
    for (const auto& param : swept) {
      double lo = INFINITY, hi = 0;
      const auto series = collect(selection, axis, colors, [&](const nlohmann::json& chosen, double& y, double& se) {
        const auto& params = chosen.at("params");
        if (!params.contains(param) || !params.at(param).is_number()) return false;
        y = params.at(param).get<double>();
        se = 0;
        lo = std::min(lo, y);
        hi = std::max(hi, y);
        return true;
      });
      if (series.empty()) continue;
      PlotSpec spec{"selected_" + file_part(param) + "_vs_rank", name + ": " + param + " " + selected_on + ", per rank",
                    "selected " + param, false, lo > 0 && hi / lo > 20};
      report.scripts.push_back(write_plot(plots, spec, axis, series));
    }
  }

  render_scripts(plots, report);
  return report;
}

}  // namespace

PlotReport write_plots(const std::string& results_dir, const std::vector<std::string>& kinds) {
  // The files are read back as aelab wrote them; one edited by hand (or from another version) can
  // lack a key or hold another type, which nlohmann reports by exception.
  try {
    return write_plots_unchecked(results_dir, kinds);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    if (auto end = reason.find("] "); reason.rfind("[json.exception.", 0) == 0 && end != std::string::npos)
      reason = reason.substr(end + 2);
    throw Error(results_dir + ": manifest.json or selection.json is not as aelab run writes it (" + reason + ")");
  }
}

void draw_run_plots(const std::string& results_dir, const std::vector<std::string>& kinds, const std::string& label,
                    bool quiet, std::ostream& out, std::ostream& log) {
  try {
    const PlotReport plots = write_plots(results_dir, kinds);
    if (quiet) return;
    const std::string folder = (fs::path(results_dir) / "plots").string();
    if (plots.rendered) out << label << ": " << folder << " (" << plots.images.size() << " images)\n";
    else out << label << ": gnuplot scripts in " << folder << " (" << plots.note << ")\n";
  } catch (const Error& e) {
    log << "aelab: warning: " << label << " not drawn: " << e.what() << "\n";
  }
}

namespace {

struct Panel {
  std::string title;
  RankAxis axis;
  std::vector<Series> series;
};

// One colour per solver entry across all folders: the rule of entry_colors over the union of the
// folders' entries, so an entry keeps its colour in every panel.
std::map<std::string, std::string> shared_colors(const std::vector<nlohmann::json>& selections) {
  nlohmann::json merged = {{"solvers", nlohmann::json::array()}};
  std::set<std::string> seen;
  for (const auto& selection : selections)
    for (const auto& solver : selection.at("solvers"))
      if (seen.insert(solver.at("solver_id").get<std::string>()).second) merged["solvers"].push_back(solver);
  return entry_colors(merged);
}

// Every panel lists its entries in one order, that of their first appearance across the folders, so
// the legends read alike even where a folder's config lists its entries in another order.
void order_like_first_appearance(const std::vector<nlohmann::json>& selections, std::vector<Series>& series) {
  std::map<std::string, std::size_t> position;
  for (const auto& selection : selections)
    for (const auto& solver : selection.at("solvers")) position.emplace(solver.at("solver_id").get<std::string>(), position.size());
  std::stable_sort(series.begin(), series.end(),
                   [&](const Series& a, const Series& b) { return position.at(a.title) < position.at(b.title); });
}

std::string panel_title(const nlohmann::json& manifest) {
  std::string title = manifest.at("config").at("name").get<std::string>();
  const auto& data = manifest.at("data");
  if (data.contains("sizes") && data.at("sizes").contains("items"))
    title += " (" + std::to_string(data.at("sizes").at("items").get<std::uint64_t>()) + " items)";
  return title;
}

bool evaluates(const nlohmann::json& manifest, const std::string& metric) {
  for (const auto& m : manifest.at("config").at("evaluation").at("metrics"))
    if (m.get<std::string>() == metric) return true;
  return false;
}

}  // namespace

PlotReport write_combined_figure(const std::vector<std::string>& results_dirs, const std::optional<std::string>& metric_given,
                                 const std::string& out_file) {
  const fs::path out(out_file);
  const std::string extension = out.extension().string();
  if (extension != ".svg" && extension != ".png")
    throw Error("--out: expected a file name ending in .svg or .png, got \"" + out_file + "\"");
  if (results_dirs.empty()) throw Error("--combine: expected at least one results folder");
  std::vector<nlohmann::json> manifests, selections;
  for (const std::string& dir : results_dirs) {
    manifests.push_back(read_json_file(fs::path(dir) / "manifest.json"));
    selections.push_back(read_json_file(fs::path(dir) / "selection.json"));
  }
  const std::string metric = metric_given ? *metric_given : selections.front().at("metric").get<std::string>();
  const auto colors = shared_colors(selections);
  std::vector<Panel> panels;
  for (std::size_t f = 0; f < results_dirs.size(); ++f) {
    if (!evaluates(manifests[f], metric))
      throw Error(results_dirs[f] + ": its runs did not evaluate " + metric + " (see its manifest's evaluation.metrics)");
    Panel panel{panel_title(manifests[f]), rank_axis(selections[f]), {}};
    if (panel.axis.empty()) throw Error(results_dirs[f] + ": no selected point has a rank: nothing to plot against rank");
    panel.series = collect(selections[f], panel.axis, colors, [&](const nlohmann::json& chosen, double& y, double& se) {
      if (!chosen.at("test").contains(metric)) return false;
      y = chosen.at("test").at(metric).at("mean").get<double>();
      se = chosen.at("test").at(metric).at("se").get<double>();
      return true;
    });
    order_like_first_appearance(selections, panel.series);
    panels.push_back(std::move(panel));
  }

  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  fs::create_directories(dir);
  const std::string stem = out.stem().string();
  std::ostringstream gp;
  gp << "# aelab plot --combine: test " << pretty_metric(metric) << " vs rank, one panel per results folder:\n";
  for (const std::string& d : results_dirs) gp << "#   " << d << "\n";
  gp << gnuplot_output_defaults(stem) << "# Restyle freely and rerun in this folder:  gnuplot " << stem << ".gp\n";
  std::ostringstream body;
  body << "set multiplot layout 1," << panels.size() << "\n"
       << "set ylabel " << gnuplot_quote("test " + pretty_metric(metric)) << "\nset grid\nset key bottom right\nset pointsize 1\n";
  for (std::size_t f = 0; f < panels.size(); ++f) {
    const std::string data_file = stem + ".panel" + std::to_string(f + 1) + ".dat";
    write_file_atomically((dir / data_file).string(), series_data(panels[f].title, panels[f].axis, panels[f].series));
    body << "set title " << gnuplot_quote(panels[f].title) << "\nunset arrow\n"
         << rank_axis_settings(panels[f].axis) << dodge_setting(panels[f].series, true)
         << plot_command(data_file, panels[f].series, true, true) << "\n";
  }
  body << "unset multiplot\n";
  const std::string width = std::to_string(480 * panels.size());
  gp << "set terminal svg size " << width << ",460 dynamic noenhanced font \"Helvetica,12\" background rgb \"white\"\n"
     << "set output svg_out\n" << body.str()
     << "set terminal pngcairo size " << width << ",460 noenhanced font \"Helvetica,10\" background rgb \"white\"\n"
     << "set output png_out\n" << body.str() << "unset output\n";
  write_file_atomically((dir / (stem + ".gp")).string(), gp.str());
  PlotReport report;
  report.scripts.push_back(stem + ".gp");
  render_scripts(dir, report);
  return report;
}

}  // namespace aelab
