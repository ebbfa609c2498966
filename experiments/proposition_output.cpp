// Files of the Proposition experiment (declared in experiments/proposition.hpp): the table as CSV and
// JSON, and a gnuplot script (kept, so users can restyle it) rendered to SVG and PNG. Every file is
// written to a temporary name in the same folder and renamed into place, so a killed run never leaves
// a half-written result.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "experiments/proposition.hpp"

namespace aelab {

namespace {

namespace fs = std::filesystem;

// A gnuplot single-quoted string literal ('' stands for one quote inside).
std::string gnuplot_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string temporary_name(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = temporary_name(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw Error(path + ": cannot write (disk full or no permission?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(path + ": cannot rename the temporary file into place: " + ec.message());
  }
}

// The executable `name` on PATH, or "" when absent.
std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Runs argv (no shell), its output discarded; returns the exit status (or 128 + signal).
int run_program(const std::vector<std::string>& argv) {
  std::vector<std::string> storage = argv;
  std::vector<char*> args;
  for (auto& a : storage) args.push_back(a.data());
  args.push_back(nullptr);
  std::fflush(nullptr);  // the child must not inherit (and flush again) buffered output
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("cannot fork to run " + argv.front());
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd < 0 || ::dup2(null_fd, STDOUT_FILENO) < 0 || ::dup2(null_fd, STDERR_FILENO) < 0) ::_exit(127);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string number(double x) {
  if (!std::isfinite(x)) return "";
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

std::string hidden_text(const nlohmann::json& params) {
  std::string text;
  if (params.contains("hidden"))
    for (const auto& w : params.at("hidden")) text += (text.empty() ? "" : "-") + std::to_string(w.get<std::int64_t>());
  return text;
}

std::string csv_table(const PropositionResult& result) {
  std::ostringstream csv;
  csv << "architecture,activation,hidden,output_bias,k,bound_rank,se_bound,se,ratio,violation,epochs_run,stopped,seconds\n";
  for (const auto& row : result.rows) {
    const nlohmann::json params = row.details.value("params", nlohmann::json::object());
    csv << row.architecture << "," << params.value("activation", "") << "," << hidden_text(params) << ","
        << (params.value("output_bias", false) ? "true" : "false") << "," << row.k << "," << row.bound_rank << ","
        << number(row.se_bound) << "," << number(row.se) << "," << number(row.ratio) << ","
        << (row.violation ? "true" : "false") << "," << row.details.value("epochs_run", 0) << ","
        << row.details.value("stopped", "") << "," << number(row.details.value("seconds", 0.0)) << "\n";
  }
  return csv.str();
}

nlohmann::json json_table(const PropositionResult& result, const PropositionSettings& settings) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : result.rows) {
    nlohmann::json r = {{"architecture", row.architecture}, {"k", row.k},          {"bound_rank", row.bound_rank},
                        {"se_bound", row.se_bound},         {"se", row.se},        {"violation", row.violation},
                        {"details", row.details}};
    r["ratio"] = std::isfinite(row.ratio) ? nlohmann::json(row.ratio) : nlohmann::json();
    rows.push_back(r);
  }
  nlohmann::json architectures = nlohmann::json::array();
  for (const auto& a : settings.architectures) architectures.push_back({{"id", a.id}, {"params", a.params.values()}});
  return {{"experiment", "proposition"},
          {"data", {{"users", result.users}, {"items", result.items}, {"nnz", result.nnz},
                    {"frobenius_squared", result.frobenius_squared}}},
          {"tolerance", result.tolerance},
          {"ranks", settings.ranks},
          {"eigen", result.eigen},
          {"architectures", architectures},
          {"rows", rows},
          {"violations", result.violations},
          {"seconds", result.seconds},
          {"config", settings.section}};
}

// Self-contained gnuplot script: the data are inline datablocks, the output names default to the
// files next to it and can be overridden with -e "svg_out='...'; png_out='...'". Two panels: SE vs k
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
  gp << "# Proposition (SPEC 2.6): training squared error vs rank k, written by aelab.\n"
     << "# Re-render from this folder: gnuplot proposition.gp\n"
     << "if (!exists(\"svg_out\")) svg_out = \"proposition.svg\"\n"
     << "if (!exists(\"png_out\")) png_out = \"proposition.png\"\n"
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
                                      const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error(out_dir + ": cannot create the output folder: " + ec.message());
  write_file_atomically(out_dir + "/proposition.csv", csv_table(result));
  write_file_atomically(out_dir + "/proposition.json", json_table(result, settings).dump(2) + "\n");
  if (!settings.plot) return "";
  const std::string script = out_dir + "/proposition.gp";
  write_file_atomically(script, gnuplot_script(result));
  const std::string gnuplot = find_program("gnuplot");
  if (gnuplot.empty()) return "plot: gnuplot is not installed; script kept at " + script;
  const std::string svg = out_dir + "/proposition.svg", png = out_dir + "/proposition.png";
  const std::string svg_tmp = temporary_name(svg), png_tmp = temporary_name(png);
  const int status = run_program({gnuplot, "-e", "svg_out=" + gnuplot_quoted(svg_tmp) + "; png_out=" + gnuplot_quoted(png_tmp), script});
  if (status != 0 || !fs::exists(svg_tmp) || !fs::exists(png_tmp)) {
    fs::remove(svg_tmp, ec);
    fs::remove(png_tmp, ec);
    return "plot: gnuplot failed (exit status " + std::to_string(status) + "); script kept at " + script;
  }
  fs::rename(svg_tmp, svg, ec);
  if (!ec) fs::rename(png_tmp, png, ec);
  if (ec) throw Error(svg + ": cannot rename the rendered plot into place: " + ec.message());
  return "plot: " + svg + ", " + png;
}

}  // namespace aelab
