#include "experiments/sweep/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "core/eval/metrics.hpp"
#include "core/linalg/blas.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "experiments/common/manifest.hpp"
#include "experiments/sweep/plan.hpp"
#include "experiments/sweep/plots.hpp"
#include "experiments/sweep/point_store.hpp"
#include "experiments/common/progress.hpp"
#include "experiments/sweep/results.hpp"
#include "experiments/common/run_lock.hpp"
#include "experiments/sweep/selection.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

// Thrown from the model sink when max_fits is reached: unwinds out of a rank sweep mid-way.
struct StopRequested {};

PartResult part_result(const EvaluationResult& e) {
  PartResult r;
  for (const auto& [name, values] : e.per_user) r.metrics[name] = summarize(values);
  r.n_users = e.uids.size();
  r.n_excluded = e.n_excluded;
  r.n_nonfinite_scores = e.n_nonfinite_scores;
  r.seconds = e.seconds;
  return r;
}

std::string short_metric(const PartResult& part, const std::string& metric) {
  auto it = part.metrics.find(metric);
  if (it == part.metrics.end()) return "?";
  std::ostringstream out;
  out << std::fixed << std::setprecision(4) << it->second.mean;
  return out.str();
}

void write_manifest(const ExperimentConfig& config, const nlohmann::json& manifest) {
  write_file_atomically((fs::path(config.output.dir) / "manifest.json").string(), manifest.dump(2) + "\n");
}

// The paired tests and per-user exports need the per-user vectors of the selected points.
void load_selected_per_user(const ExperimentConfig& config, const PointStore& store, SweepRecords& records) {
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    for (const auto& group : select_best(config.solvers[s].points, validation_scores(config, records, s), config.selection.per))
      if (group.chosen) store.load_per_user(*records[s][*group.chosen]);
  }
}

}  // namespace

RunReport run_sweep(const ExperimentConfig& config, const ExperimentData& data, const RunOptions& options) {
  std::ostream& out = options.out ? *options.out : std::cout;
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  const bool terminal = options.progress_bar ? *options.progress_bar : (!options.log && ::isatty(STDERR_FILENO));
  Progress progress(log_stream, terminal, options.quiet || options.dry_run);
  RunReport report;
  report.output_dir = config.output.dir;
  report.points = config.n_points();
  const std::string started_at = utc_timestamp();
  Timer wall;

  std::unique_ptr<RunLock> lock;
  if (!options.dry_run) {
    lock = std::make_unique<RunLock>(config.output.dir);
    progress.set_log_file((fs::path(config.output.dir) / "run.log").string());
    if (const std::size_t removed = remove_stale_temp_files((fs::path(config.output.dir) / "points").string()))
      progress.log("removed " + std::to_string(removed) + " partial file(s) left by an interrupted run");
  }
  set_blas_threads(config.threads);

  // Which points are stored already?
  const PointStore store(config.output.dir);
  const auto metric_names = config.evaluation.metric_names();
  SweepRecords records(config.solvers.size());
  std::vector<std::vector<bool>> todo(config.solvers.size());
  std::vector<std::vector<std::string>> keys(config.solvers.size());
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    records[s].resize(entry.points.size());
    todo[s].assign(entry.points.size(), true);
    for (std::size_t i = 0; i < entry.points.size(); ++i) {
      keys[s].push_back(point_key(data.digest, entry.solver->name(), entry.points[i], entry.dtype,
                                  fit_mode(entry, config.execution), metric_names));
      if (options.force) continue;
      std::string why;
      if (auto record = store.load(entry.id, entry.points[i], keys[s][i], why, /*with_per_user=*/false)) {
        records[s][i] = std::move(record);
        todo[s][i] = false;
        ++report.reused;
      } else if (!why.empty()) {
        progress.log("refitting " + entry.id + " " + entry.points[i].str() + ": the stored point is " + why);
      }
    }
  }
  const std::vector<FitUnit> units = plan_units(config, todo);
  const nlohmann::json memory = estimate_peak_memory(config, data.split, units);
  if (options.dry_run) {
    print_plan(out, config, data, todo, units, memory);
    for (const auto& t : todo) report.not_run += static_cast<std::size_t>(std::count(t.begin(), t.end(), true));
    return report;
  }

  nlohmann::json manifest = {{"format", "aelab-manifest-1"},
                             {"config_path", config.config_path},
                             {"config_hash", config.hash},
                             {"config", config.resolved},
                             {"software", software_environment()},
                             {"threads", config.threads},
                             {"dtype", dtype_name(config.dtype)},
                             {"data", data.provenance},
                             {"memory_estimate", memory},
                             {"started_at", started_at},
                             {"finished_at", nullptr},
                             {"status", "running"}};
  write_manifest(config, manifest);

  std::size_t to_fit = 0;
  for (const auto& unit : units) to_fit += unit.points.size();
  progress.log("experiment " + config.name + ": " + std::to_string(report.points) + " points, " +
               std::to_string(report.reused) + " stored, " + std::to_string(to_fit) + " to fit; results in " +
               config.output.dir);
  if (to_fit > 0)
    progress.log("estimated peak memory " + format_bytes(memory.at("total_bytes").get<std::size_t>()) + ", available " +
                 format_bytes(memory.at("available_bytes").get<std::size_t>()));

  LinalgCache cache(data.split.train, config.threads);
  nlohmann::json failures = nlohmann::json::array();
  bool stop = false;
  std::optional<Dtype> current_dtype;
  std::optional<std::pair<double, double>> current_key;
  progress.start(to_fit);
  for (const FitUnit& unit : units) {
    if (stop) break;
    const SolverEntry& entry = config.solvers[unit.solver];
    // Keep only what the next fits can use: the Gram of another precision and an inverse of another
    // (lambda, p) would only hold memory.
    if (current_dtype && *current_dtype != unit.dtype) cache.release();
    current_dtype = unit.dtype;
    const std::pair<double, double> key{unit.has_lambda ? unit.lambda : -1, unit.p};
    if (current_key && *current_key != key) cache.release_inverse();
    current_key = key;

    const std::string mode = fit_mode(entry, config.execution);
    FitContext ctx(cache);
    ctx.dtype = unit.dtype;
    ctx.force_memory = config.execution.force_memory;
    ctx.validation = &data.split.validation;
    ctx.log = [&progress, &entry](const std::string& line) {
      // Solvers name themselves in their lines; the entry id adds what the name does not tell.
      progress.detail(entry.id == entry.solver->name() ? line : entry.id + ": " + line);
    };
    progress.current(unit_description(entry, unit), bar_description(entry, unit));

    std::set<std::size_t> finished;
    std::size_t position = 0;
    double cumulative = 0;
    Timer fit_timer;
    const ModelSink sink = [&](const ParamSet& params, std::unique_ptr<FittedModel> model) {
      const double fit_seconds = fit_timer.seconds();
      cumulative += fit_seconds;
      std::size_t index = entry.points.size();
      for (std::size_t i : unit.points)
        if (entry.points[i].values() == params.values()) index = i;
      if (index == entry.points.size() || finished.count(index))
        throw Error("solver '" + entry.solver->name() + "' handed back a model for parameters that were not requested (" +
                    params.str() + ")");
      if (!model) throw Error("solver '" + entry.solver->name() + "' handed back no model for " + params.str());
      PointRecord record;
      record.solver_id = entry.id;
      record.solver = entry.solver->name();
      record.params = entry.points[index];
      record.dtype = unit.dtype;
      record.fit_mode = mode;
      record.key = keys[unit.solver][index];
      const EvaluationResult validation = evaluate(*model, data.split.validation, config.evaluation.metrics,
                                                   config.evaluation.batch_users);
      const EvaluationResult test = evaluate(*model, data.split.test, config.evaluation.metrics, config.evaluation.batch_users);
      record.validation = part_result(validation);
      record.test = part_result(test);
      record.test_uids = test.uids;
      record.test_per_user = test.per_user;
      record.diagnostics = model->diagnostics();
      record.objective = record.diagnostics.contains("objective") && record.diagnostics.at("objective").is_number()
                             ? record.diagnostics.at("objective")
                             : nlohmann::json(nullptr);
      record.timings = {{"fit_seconds", fit_seconds},
                        {"cumulative_fit_seconds", cumulative},
                        {"sweep_position", ++position},
                        {"sweep_size", unit.points.size()},
                        {"validation_seconds", validation.seconds},
                        {"test_seconds", test.seconds}};
      record.peak_rss_bytes = peak_rss_bytes();
      record.finished_at = utc_timestamp();
      model.reset();  // free a dense model before writing and before the next rank
      store.save(record);
      // Per-user vectors are read back at the end for the selected points only: a sweep of hundreds
      // of points on 50,000 test users would otherwise hold them all.
      record.test_uids.clear();
      record.test_per_user.clear();
      finished.insert(index);
      ++report.computed;
      std::string result = entry.id + " " + describe(record.params) + ": validation " + config.selection.metric + " " +
                           short_metric(record.validation, config.selection.metric) + ", fit " +
                           Progress::format_duration(fit_seconds);
      if (record.validation.n_nonfinite_scores > 0)
        result += " (warning: " + std::to_string(record.validation.n_nonfinite_scores) + " non-finite scores)";
      progress.advance(result);
      records[unit.solver][index] = std::move(record);
      if (options.max_fits > 0 && report.computed >= options.max_fits) throw StopRequested{};
      fit_timer.restart();
    };

    // What a failed call threw, as one line ("" when it succeeded); a requested stop passes through.
    auto guarded = [](const std::function<void()>& call) -> std::string {
      try {
        call();
        return "";
      } catch (const StopRequested&) {
        throw;
      } catch (const Error& e) {
        return e.what();
      } catch (const std::bad_alloc&) {
        return "out of memory";
      } catch (const std::exception& e) {
        return std::string("internal error: ") + e.what();
      }
    };
    auto fit_one = [&](std::size_t i) {
      // Independent rank fits pay for their own inverse: that is what their timing is for.
      if (mode == "independent") cache.release_inverse();
      reset_peak_rss();
      fit_timer.restart();
      sink(entry.points[i], entry.solver->fit(ctx, entry.points[i]));
    };
    auto record_failure = [&](std::size_t i, const std::string& why) {
      ++report.failed;
      failures.push_back({{"solver_id", entry.id}, {"solver", entry.solver->name()}, {"params", entry.points[i].values()},
                          {"error", why}, {"at", utc_timestamp()}});
      progress.log("FAILED " + entry.id + " " + describe(entry.points[i]) + ": " + why);
      if (config.execution.stop_on_error) stop = true;
    };
    try {
      if (unit.sweep) {
        std::string failure = guarded([&] {
          std::vector<Rank> ranks;
          for (std::size_t i : unit.points) ranks.push_back(entry.points[i].rank("rank"));
          reset_peak_rss();
          fit_timer.restart();
          entry.solver->fit_ranks(ctx, entry.points[unit.points.front()], ranks, sink);
        });
        if (failure.empty() && finished.size() != unit.points.size())
          failure = "the solver returned without a model for some requested ranks";
        std::vector<std::size_t> rest;
        for (std::size_t i : unit.points)
          if (!finished.count(i)) rest.push_back(i);
        if (!failure.empty() && rest.size() > 1 && !config.execution.stop_on_error) {
          // One rank's failure (a diverging iteration, an eigensolver limit, memory at the largest
          // rank) must not cost the others: fit the remaining ranks one at a time.
          progress.log("FAILED " + unit_description(entry, unit) + ": " + failure +
                       "; fitting the remaining ranks one at a time");
          for (std::size_t i : rest)
            if (const std::string why = guarded([&] { fit_one(i); }); !why.empty()) record_failure(i, why);
        } else if (!failure.empty()) {
          for (std::size_t i : rest) record_failure(i, failure);
        }
      } else {
        for (std::size_t i : unit.points) {
          if (const std::string why = guarded([&] { fit_one(i); }); !why.empty()) record_failure(i, why);
          if (stop) break;
        }
      }
    } catch (const StopRequested&) {
      stop = true;
    }
  }
  progress.finish();
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    for (const auto& r : records[s]) report.not_run += !r;
  report.not_run -= report.failed;
  report.inversions = cache.stats().inversions;
  report.inverse_reuses = cache.stats().inverse_reuses;

  const fs::path dir(config.output.dir);
  if (!failures.empty()) write_file_atomically((dir / "failures.json").string(), failures.dump(2) + "\n");
  else fs::remove(dir / "failures.json");
  load_selected_per_user(config, store, records);
  const nlohmann::json selection = write_run_outputs(config, records);
  report.selection = selection;

  manifest["finished_at"] = utc_timestamp();
  manifest["wall_seconds"] = wall.seconds();
  manifest["status"] = report.complete() ? "complete" : (report.failed > 0 ? "failed" : "incomplete");
  manifest["points"] = {{"total", report.points}, {"reused", report.reused}, {"computed", report.computed},
                        {"failed", report.failed}, {"not_run", report.not_run}};
  manifest["linalg"] = {{"gram_builds", cache.stats().gram_builds},     {"gram_seconds", cache.stats().gram_seconds},
                        {"inversions", cache.stats().inversions},       {"inverse_reuses", cache.stats().inverse_reuses},
                        {"inverse_seconds", cache.stats().inverse_seconds}};
  write_manifest(config, manifest);

  // The approximation-gap plot is drawn after its section runs (experiments/gap_experiment.hpp).
  std::vector<std::string> sweep_plots;
  for (const auto& kind : config.output.plots)
    if (kind != "approximation_gap") sweep_plots.push_back(kind);
  if (options.plots && !sweep_plots.empty())
    draw_run_plots(config.output.dir, sweep_plots, "plots", options.quiet, out, log_stream);
  if (!options.quiet) {
    print_selection(out, config, selection);
    out << "points: " << report.points << " (" << report.computed << " fitted now, " << report.reused << " stored, "
        << report.failed << " failed, " << report.not_run << " not run); " << report.inversions << " inverse(s) computed, "
        << report.inverse_reuses << " reused; results in " << config.output.dir << "\n";
    if (report.not_run > 0) out << "incomplete: rerun the same command to fit the remaining points\n";
    if (report.failed > 0) out << "failed fits are listed in " << (dir / "failures.json").string() << "\n";
  }
  return report;
}

RunReport run_sweep(const ExperimentConfig& config, const RunOptions& options) {
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  auto log = [&](const std::string& line) {
    if (!options.quiet) log_stream << line << "\n";
  };
  const bool save = config.data.save_split && !options.dry_run;
  const ExperimentData data = load_experiment_data(config.data, save ? (fs::path(config.output.dir) / "split").string() : "", log);
  return run_sweep(config, data, options);
}

}  // namespace aelab
