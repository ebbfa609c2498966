#include "experiments/gap/gap_section.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "core/linalg/blas.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/sha256.hpp"
#include "core/util/timer.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/sweep/plots.hpp"
#include "experiments/sweep/point_store.hpp"
#include "experiments/common/progress.hpp"
#include "experiments/sweep/results.hpp"
#include "experiments/common/run_lock.hpp"
#include "experiments/common/stored_record.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

constexpr StoredRecordKind kGapPoint{"aelab-gap-point-1", "gap point", "settings"};
constexpr const char* kGapFormat = "aelab-gap-1";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The ranks of an entry's points, ascending, "full" last.
std::vector<Rank> entry_ranks(const SolverEntry& entry) {
  std::vector<Rank> ranks;
  for (const ParamSet& p : entry.points)
    if (p.has("rank")) {
      const Rank r = p.rank("rank");
      if (std::find(ranks.begin(), ranks.end(), r) == ranks.end()) ranks.push_back(r);
    }
  std::sort(ranks.begin(), ranks.end());
  return ranks;
}

std::string ranks_text(const std::vector<Rank>& ranks) {
  std::vector<std::string> texts;
  for (const Rank& r : ranks) texts.push_back(r.str());
  return join(texts);
}

ParamSpec exact_spec(const Registry& registry, const std::string& name) {
  for (const ParamSpec& spec : registry.get("exact").params())
    if (spec.name == name) return spec;
  throw Error("the exact solver has no parameter " + name);
}

GapPoint point_from(const Rank& rank, double lambda, double p) {
  GapPoint point;
  point.rank = rank;
  point.lambda = lambda;
  point.p = p;
  return point;
}

ParamSet point_params(const GapPoint& point) {
  return ParamSet(nlohmann::json{{"lambda", point.lambda}, {"p", point.p}, {"rank", point.rank.to_json()}});
}

// What determines a point's numbers (see the header).
std::string gap_key(const std::string& split_digest, const GapPoint& point, const std::vector<GapEntry>& entries,
                    const ApproximationGapOptions& options) {
  nlohmann::json solvers = nlohmann::json::array();
  for (const GapEntry& e : entries) solvers.push_back({{"solver", e.solver->name()}, {"params", e.params.values()}});
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricSpec& m : options.metrics) metrics.push_back(m.name());
  const nlohmann::json what = {{"format", kGapPoint.format}, {"split", split_digest},
                               {"point", point_params(point).values()}, {"solvers", solvers},
                               {"dtype", dtype_name(options.dtype)}, {"on", options.on}, {"metrics", metrics}};
  return sha256_hex(what.dump());
}

std::optional<nlohmann::json> read_stored(const std::string& path, const std::string& key, std::string& why) {
  const auto stored =
      read_stored_record(path, kGapPoint, key, [](const nlohmann::json& j) { return j.contains("report"); }, why);
  if (!stored) return std::nullopt;
  return (*stored)["report"];
}

nlohmann::json without_diagnostics(nlohmann::json report) {
  for (nlohmann::json& row : report["rows"]) row.erase("diagnostics");
  return report;
}

std::string short_number(double x, const char* format) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : "inf";
  char text[64];
  std::snprintf(text, sizeof text, format, x);
  return text;
}

}  // namespace

GapConfig parse_gap_config(const nlohmann::json& section, const std::string& path, const ExperimentConfig& config,
                           const Registry& registry, nlohmann::json& resolved) {
  JsonObject o(section, path,
               {"ranks", "selected_from", "lambda", "p", "on", "metric", "solvers", "common", "solver_params", "dtype"});
  GapConfig gap;
  gap.dtype = parse_dtype(o.choice("dtype", {"float32", "float64"}, dtype_name(config.dtype)));
  gap.on = o.choice("on", {"validation", "test"}, "test");
  gap.metric = config.selection.metric;
  if (auto metric = o.string("metric")) {
    try {
      gap.metric = MetricSpec::parse(*metric).name();
    } catch (const Error& e) {
      json_fail(o.path_of("metric"), e.what());
    }
    const auto names = config.evaluation.metric_names();
    if (std::find(names.begin(), names.end(), gap.metric) == names.end())
      json_fail(o.path_of("metric"), "\"" + gap.metric + "\" is not evaluated (evaluation.metrics: " + join(names) + ")");
  }
  gap.solvers = o.string_list("solvers", /*allow_empty=*/false).value_or(default_gap_solvers());
  if (const auto* common = o.find("common")) {
    if (!common->is_object()) json_fail(o.path_of("common"), "expected an object of parameter values, got " + json_show(*common));
    gap.common = *common;
  }
  if (config.seed && !gap.common.contains("seed")) gap.common["seed"] = *config.seed;
  if (const auto* given = o.find("solver_params")) {
    if (!given->is_object())
      json_fail(o.path_of("solver_params"), "expected {\"solver\": {parameters}}, got " + json_show(*given));
    gap.solver_params = *given;
  }

  // Ranks, canonical, ascending, distinct.
  if (const auto* ranks = o.find("ranks")) {
    const auto& list = json_array(*ranks, o.path_of("ranks"), "a non-empty list of ranks (positive integers or \"full\")");
    if (list.empty()) json_fail(o.path_of("ranks"), "expected a non-empty list of ranks, got []");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = json_element_path(o.path_of("ranks"), i);
      const nlohmann::json value = validate_param_value(exact_spec(registry, "rank"), list[i], at);
      const Rank rank = value.is_string() ? Rank::full_rank() : Rank::of(value.get<std::uint64_t>());
      if (std::find(gap.ranks.begin(), gap.ranks.end(), rank) != gap.ranks.end())
        json_fail(at, "duplicate rank " + rank.str());
      gap.ranks.push_back(rank);
    }
    std::sort(gap.ranks.begin(), gap.ranks.end());
  }

  // The point: fixed, or selected per rank for an entry.
  const bool fixed = o.has("lambda") || o.has("p");
  if (fixed) {
    if (o.has("selected_from"))
      json_fail(o.path_of("selected_from"), "give either selected_from or lambda and p, not both");
    if (!o.has("lambda") || !o.has("p"))
      json_fail(o.path_of(o.has("lambda") ? "p" : "lambda"), "required with a fixed point (lambda and p go together)");
    gap.lambda = validate_param_value(exact_spec(registry, "lambda"), section.at("lambda"), o.path_of("lambda")).get<double>();
    gap.p = validate_param_value(exact_spec(registry, "p"), section.at("p"), o.path_of("p")).get<double>();
    if (gap.ranks.empty()) json_fail(o.path_of("ranks"), "required with a fixed lambda and p (the ranks to measure)");
  } else {
    const std::string at = o.path_of("selected_from");
    if (auto id = o.string("selected_from")) {
      gap.selected_from = *id;
    } else {
      std::vector<std::string> candidates;
      for (const auto& entry : config.solvers)
        if (entry.solver->name() == "closed_form_approx") candidates.push_back(entry.id);
      if (candidates.size() != 1)
        json_fail(path, "give lambda and p, or selected_from (a solver entry id whose selected lambda and p are used "
                        "at each rank); " + std::to_string(candidates.size()) + " entries use closed_form_approx");
      gap.selected_from = candidates.front();
    }
    const auto entry = std::find_if(config.solvers.begin(), config.solvers.end(),
                                    [&](const SolverEntry& e) { return e.id == gap.selected_from; });
    std::vector<std::string> ids;
    for (const auto& e : config.solvers) ids.push_back(e.id);
    if (entry == config.solvers.end())
      json_fail(at, "\"" + gap.selected_from + "\" is not a solver entry id (ids: " + join(ids) + ")");
    for (const char* needed : {"rank", "lambda", "p"})
      if (!entry->solver->has_param(needed))
        json_fail(at, "entry \"" + entry->id + "\" (solver " + entry->solver->name() + ") has no parameter " + needed);
    if (config.selection.per != std::vector<std::string>{"rank"})
      json_fail(at, "needs one selection per rank (selection.per = [\"rank\"]), got selection.per = [" +
                        join(config.selection.per) + "]");
    const std::vector<Rank> available = entry_ranks(*entry);
    if (gap.ranks.empty()) {
      for (const Rank& r : available)
        if (!r.full) gap.ranks.push_back(r);
      if (gap.ranks.empty()) json_fail(at, "entry \"" + entry->id + "\" has no finite rank; give ranks");
    } else {
      for (std::size_t i = 0; i < gap.ranks.size(); ++i)
        if (std::find(available.begin(), available.end(), gap.ranks[i]) == available.end())
          json_fail(json_element_path(o.path_of("ranks"), i),
                    "rank " + gap.ranks[i].str() + " is not among the ranks of entry \"" + entry->id +
                        "\" (" + ranks_text(available) + "), so nothing is selected there");
    }
  }

  // Solvers and parameters, through the library's own validation at the first point.
  const GapPoint probe = point_from(gap.ranks.front(), gap.lambda.value_or(exact_spec(registry, "lambda").default_value.get<double>()),
                                    gap.p.value_or(exact_spec(registry, "p").default_value.get<double>()));
  plan_approximation_gap(registry, probe, gap_options(gap, config), path);

  nlohmann::json ranks = nlohmann::json::array();
  for (const Rank& r : gap.ranks) ranks.push_back(r.to_json());
  resolved = {{"ranks", ranks},
              {"on", gap.on},
              {"metric", gap.metric},
              {"solvers", gap.solvers},
              {"common", gap.common},
              {"solver_params", gap.solver_params},
              {"dtype", dtype_name(gap.dtype)}};
  if (gap.lambda) {
    resolved["lambda"] = *gap.lambda;
    resolved["p"] = *gap.p;
  } else {
    resolved["selected_from"] = gap.selected_from;
  }
  return gap;
}

ApproximationGapOptions gap_options(const GapConfig& gap, const ExperimentConfig& config) {
  ApproximationGapOptions options;
  options.on = gap.on;
  options.dtype = gap.dtype;
  options.force_memory = config.execution.force_memory;
  options.batch_users = config.evaluation.batch_users;
  options.metrics = config.evaluation.metrics;
  options.metric = gap.metric;
  options.solvers = gap.solvers;
  options.common = gap.common;
  options.per_solver = gap.solver_params;
  return options;
}

std::vector<GapPoint> gap_points(const GapConfig& gap, const nlohmann::json& selection, std::vector<std::string>& skipped) {
  std::vector<GapPoint> points;
  if (gap.lambda) {
    for (const Rank& r : gap.ranks) points.push_back(point_from(r, *gap.lambda, *gap.p));
    return points;
  }
  const nlohmann::json* groups = nullptr;
  if (selection.is_object() && selection.contains("solvers"))
    for (const auto& s : selection.at("solvers"))
      if (s.value("solver_id", "") == gap.selected_from) groups = &s.at("groups");
  for (const Rank& r : gap.ranks) {
    const nlohmann::json* chosen = nullptr;
    if (groups)
      for (const auto& g : *groups)
        if (g.contains("per") && g["per"].contains("rank") && g["per"]["rank"] == r.to_json() && g["selected"].is_object())
          chosen = &g["selected"];
    if (!chosen) {
      skipped.push_back("rank " + r.str() + ": no point of \"" + gap.selected_from +
                        "\" is selected there (its fits failed or have not run)");
      continue;
    }
    const nlohmann::json& params = chosen->at("params");
    points.push_back(point_from(r, params.at("lambda").get<double>(), params.at("p").get<double>()));
  }
  return points;
}

GapRunReport run_gap_section(const ExperimentConfig& config, const ExperimentData& data, const nlohmann::json& selection,
                             const Registry& registry, const RunOptions& options) {
  const GapConfig& gap = *config.approximation_gap;
  std::ostream& out = options.out ? *options.out : std::cout;
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  GapRunReport report;
  const ApproximationGapOptions base = gap_options(gap, config);
  const std::string at_text = gap.lambda ? "lambda " + format_double(*gap.lambda) + ", p " + format_double(*gap.p)
                                         : "lambda, p selected for " + gap.selected_from;
  if (options.dry_run) {
    if (!options.quiet)
      out << "approximation gap: exact vs " << join(gap.solvers) << " at ranks " << ranks_text(gap.ranks) << ", "
          << at_text << "; metrics on " << gap.on << " users (" << gap.ranks.size() << " points, each one exact fit "
          << "and " << gap.solvers.size() << " solver fits)\n";
    return report;
  }

  const fs::path dir(config.output.dir);
  RunLock lock(config.output.dir);
  remove_stale_temp_files((dir / "approximation_gap").string());
  const bool terminal = options.progress_bar ? *options.progress_bar : (!options.log && ::isatty(STDERR_FILENO));
  Progress progress(log_stream, terminal, options.quiet);
  progress.set_log_file((dir / "run.log").string());
  set_blas_threads(config.threads);

  std::vector<std::string> skipped;
  const std::vector<GapPoint> points = gap_points(gap, selection, skipped);
  for (const auto& line : skipped) progress.log("approximation gap: " + line);
  report.points = points.size();

  // Which points are stored already?
  std::vector<std::string> keys, files;
  std::vector<std::optional<nlohmann::json>> stored;
  std::size_t to_run = 0;
  for (const GapPoint& point : points) {
    const std::vector<GapEntry> entries = plan_approximation_gap(registry, point, base, "approximation_gap");
    keys.push_back(gap_key(data.digest, point, entries, base));
    files.push_back((dir / "approximation_gap" / (point_file_stem(point_params(point)) + ".json")).string());
    std::string why;
    stored.push_back(options.force ? std::nullopt : read_stored(files.back(), keys.back(), why));
    if (!why.empty()) progress.log("approximation gap: recomputing " + point.str() + ": the stored report is " + why);
    to_run += !stored.back();
  }
  progress.log("approximation gap: " + std::to_string(points.size()) + " points (" + at_text + "), " +
               std::to_string(points.size() - to_run) + " stored, " + std::to_string(to_run) + " to compute");

  std::unique_ptr<LinalgCache> cache;
  nlohmann::json failures = nlohmann::json::array();
  progress.start(to_run);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const GapPoint& point = points[i];
    if (stored[i]) {
      report.reports.push_back(std::move(*stored[i]));
      ++report.reused;
      continue;
    }
    if (!cache) cache = std::make_unique<LinalgCache>(data.split.train, config.threads);
    ApproximationGapOptions options_at = base;
    options_at.log = [&progress](const std::string& line) { progress.detail(line); };
    progress.current("approximation gap at " + point.str());
    Timer timer;
    try {
      nlohmann::json result = approximation_gap(*cache, data.split, registry, point, options_at);
      write_stored_record(files[i], kGapPoint, keys[i],
                          {{"finished_at", utc_timestamp()}, {"seconds", timer.seconds()}, {"report", result}});
      std::string line = "approximation gap at " + point.str() + ":";
      for (const auto& row : result["rows"])
        if (row["label"] != "exact" && row["relative_gap"].is_number())
          line += " " + row["label"].get<std::string>() + " " + short_number(row["relative_gap"].get<double>(), "%.2e");
      if (!result["exact"].value("converged", false)) line += " (exact NOT converged)";
      progress.advance(line + ", " + Progress::format_duration(timer.seconds()));
      report.reports.push_back(std::move(result));
      ++report.computed;
    } catch (const Error& e) {
      ++report.failed;
      failures.push_back({{"point", point_params(point).values()}, {"error", e.what()}, {"at", utc_timestamp()}});
      progress.log(std::string("FAILED approximation gap at ") + point.str() + ": " + e.what());
      progress.advance("approximation gap at " + point.str() + ": failed");
      if (config.execution.stop_on_error) break;
    } catch (const std::bad_alloc&) {
      ++report.failed;
      failures.push_back({{"point", point_params(point).values()}, {"error", "out of memory"}, {"at", utc_timestamp()}});
      progress.log("FAILED approximation gap at " + point.str() + ": out of memory");
      if (config.execution.stop_on_error) break;
    }
    cache->release_inverse();  // the next point has another (lambda, p), or the sweep is over
  }
  progress.finish();

  std::vector<nlohmann::json> summaries;
  for (const auto& r : report.reports) summaries.push_back(without_diagnostics(r));
  nlohmann::json ranks = nlohmann::json::array();
  for (const Rank& r : gap.ranks) ranks.push_back(r.to_json());
  const nlohmann::json document = {{"format", kGapFormat},
                                   {"config", config.resolved.at("approximation_gap")},
                                   {"at", at_text},
                                   {"points", summaries},
                                   {"skipped", skipped},
                                   {"failures", failures}};
  write_file_atomically((dir / "approximation_gap.json").string(), document.dump(1) + "\n");
  write_file_atomically((dir / "approximation_gap.csv").string(), approximation_gap_csv(report.reports));

  const bool wants_plot = std::find(config.output.plots.begin(), config.output.plots.end(), "approximation_gap") !=
                          config.output.plots.end();
  if (options.plots && wants_plot)
    draw_run_plots(config.output.dir, {"approximation_gap"}, "approximation gap plots", options.quiet, out, log_stream);
  if (!options.quiet) {
    out << "approximation gap (relative Eq. 7 gap to exact, and " << gap.metric << " difference on " << gap.on
        << " users) at " << at_text << ":\n"
        << format_gap_summary(report.reports) << "approximation gap: " << report.points << " points (" << report.computed
        << " computed now, " << report.reused << " stored, " << report.failed << " failed); "
        << (dir / "approximation_gap.csv").string() << "\n";
  }
  return report;
}

std::string format_gap_summary(const std::vector<nlohmann::json>& reports) {
  if (reports.empty()) return "  (no points)\n";
  std::vector<std::string> labels;
  for (const auto& row : reports.front()["rows"])
    if (row["label"] != "exact") labels.push_back(row["label"]);
  const std::string metric = reports.front()["metric"];
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"rank", "lambda", "p", "exact"};
  for (const auto& l : labels) header.push_back(l);
  cells.push_back(header);
  for (const auto& report : reports) {
    const auto& point = report["point"];
    std::vector<std::string> line = {point["rank"].is_string() ? point["rank"].get<std::string>() : point["rank"].dump(),
                                     format_double(point["lambda"].get<double>()), format_double(point["p"].get<double>()),
                                     report["exact"].value("converged", false) ? "converged" : "NOT converged"};
    for (const auto& label : labels) {
      std::string cell = "-";
      for (const auto& row : report["rows"])
        if (row["label"] == label) {
          if (row["status"] == "failed") cell = "failed";
          else if (row["relative_gap"].is_number()) {
            cell = short_number(row["relative_gap"].get<double>(), "%.2e");
            const auto& diff = row["metric_difference"][metric];
            if (diff.is_number()) cell += " (" + short_number(diff.get<double>(), "%+.4f") + ")";
          }
        }
      line.push_back(cell);
    }
    cells.push_back(line);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  std::string text;
  for (const auto& line : cells) {
    std::string row = " ";
    for (std::size_t c = 0; c < line.size(); ++c) row += " " + std::string(width[c] - line[c].size(), ' ') + line[c];
    text += row + "\n";
  }
  return text;
}

}  // namespace aelab
