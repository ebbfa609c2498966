#include "experiments/sweep/runner.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "core/eval/metrics.hpp"
#include "core/linalg/blas.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/memory.hpp"
#include "core/util/number_text.hpp"
#include "core/util/timer.hpp"
#include "core/util/timestamp.hpp"
#include "experiments/common/manifest.hpp"
#include "experiments/sweep/plan.hpp"
#include "experiments/sweep/plots.hpp"
#include "experiments/sweep/point_store.hpp"
#include "experiments/sweep/sweep_backend.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

// The split a stage fits on and evaluates, with the digest its point keys depend on.
struct FitData {
  const SplitData& split;
  std::string digest;
};

// Given split: selection on the validation carve-out, then the selected points refitted on every
// training row for the test numbers; on test ("leaderboard mode") every point is fitted on every
// training row and the test users select.
bool selects_on_test(const ExperimentConfig& config) { return config.selection.on == "test"; }

FitData sweep_data(const ExperimentConfig& config, const ExperimentData& data) {
  if (data.refit && selects_on_test(config)) return {*data.refit, data.refit_digest};
  return {data.split, data.digest};
}

// ---- Stage: which points are stored already -------------------------------------------------------

struct ResumeScan {
  SweepRecords records;
  std::vector<std::vector<bool>> todo;
  std::vector<std::vector<std::string>> keys;
  std::size_t reused = 0;
};

ResumeScan scan_stored_points(const ExperimentConfig& config, const FitData& data, const PointStore& store,
                              bool force, Progress* progress) {
  ResumeScan scan;
  const auto metric_names = config.evaluation.metric_names();
  scan.records.resize(config.solvers.size());
  scan.todo.resize(config.solvers.size());
  scan.keys.resize(config.solvers.size());
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    scan.records[s].resize(entry.points.size());
    scan.todo[s].assign(entry.points.size(), true);
    for (std::size_t i = 0; i < entry.points.size(); ++i) {
      scan.keys[s].push_back(point_key(data.digest, entry.solver->name(), entry.points[i], entry.dtype,
                                       fit_mode(entry, config.execution), metric_names));
      if (force) continue;
      std::string why;
      if (auto record = store.load(entry.id, entry.points[i], scan.keys[s][i], why, /*with_per_user=*/false)) {
        scan.records[s][i] = std::move(record);
        scan.todo[s][i] = false;
        ++scan.reused;
      } else if (!why.empty() && progress) {
        progress->log("refitting " + entry.id + " " + entry.points[i].str() + ": the stored point is " + why);
      }
    }
  }
  return scan;
}

// ---- Stage: the manifest ----------------------------------------------------------------------------

nlohmann::json started_manifest(const ExperimentConfig& config, const ExperimentData& data, const MemoryPlan& memory) {
  nlohmann::json manifest = {{"format", "aelab-manifest-1"},
          {"config_path", config.config_path},
          {"config_hash", config.hash},
          {"config", config.resolved},
          {"software", software_environment()},
          {"threads", config.threads},
          {"dtype", dtype_name(config.dtype)},
          {"data", data.provenance},
          {"memory_estimate", memory.to_json()},
          {"started_at", utc_timestamp()},
          {"finished_at", nullptr},
          {"status", "running"}};
  if (memory.layout) manifest["execution"] = memory.layout->to_json();
  return manifest;
}

void write_manifest(const ExperimentConfig& config, const nlohmann::json& manifest) {
  write_file_atomically((fs::path(config.output.dir) / "manifest.json").string(), manifest.dump(2) + "\n");
}

void finish_manifest(nlohmann::json& manifest, const RunReport& report, const LinalgCache::Stats& stats,
                     double wall_seconds, const std::string& io_failure) {
  manifest["finished_at"] = utc_timestamp();
  manifest["wall_seconds"] = wall_seconds;
  manifest["status"] = report.complete() ? "complete" : (report.failed > 0 ? "failed" : "incomplete");
  if (!io_failure.empty()) manifest["error"] = io_failure;
  manifest["points"] = {{"total", report.points}, {"reused", report.reused}, {"computed", report.computed},
                        {"failed", report.failed}, {"not_run", report.not_run}};
  manifest["linalg"] = {{"gram_builds", stats.gram_builds},     {"gram_seconds", stats.gram_seconds},
                        {"inversions", stats.inversions},       {"inverse_reuses", stats.inverse_reuses},
                        {"inverse_seconds", stats.inverse_seconds}};
}

// ---- Stage: fitting, each model evaluated and persisted as soon as it exists ------------------------

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
  return it == part.metrics.end() ? "?" : fixed_text(it->second.mean, 4);
}

// The collective call of one unit on a SweepBackend, the same on every process.
BackendFit backend_fit(const ExperimentConfig& config, const SplitData& split, const SolverEntry& entry,
                       const FitUnit& unit) {
  BackendFit request;
  request.solver = entry.solver;
  for (std::size_t i : unit.points) request.points.push_back(entry.points[i]);
  request.dtype = unit.dtype;
  request.fresh_inverse = fit_mode(entry, config.execution) == "independent";
  request.split = &split;
  request.metrics = config.evaluation.metrics;
  request.batch_users = config.evaluation.batch_users;
  return request;
}

class UnitFitter {
 public:
  UnitFitter(const ExperimentConfig& config, const FitData& data, const PointStore& store, ResumeScan& scan,
             ResumableJob& job, LinalgCache& cache, RunReport& report, SweepBackend* backend)
      : config_(config), data_(data), store_(store), scan_(scan), job_(job), cache_(cache), report_(report),
        backend_(backend) {}

  // Fits one unit; returns false when the run must stop (budget spent, a failure under on_error
  // "stop", or results that cannot be written).
  bool run(const FitUnit& unit) {
    const SolverEntry& entry = config_.solvers[unit.solver];
    FitContext ctx = context(entry, unit.dtype);
    job_.progress().current(unit_description(entry, unit), bar_description(entry, unit));
    position_ = 0;
    cumulative_ = 0;
    finished_.clear();
    if (backend_) fit_on_backend(entry, unit);
    else if (unit.sweep) fit_sweep(entry, unit, ctx);
    else
      for (std::size_t i : unit.points) {
        if (!job_.may_fit() || !io_failure_.empty()) break;
        fit_one(entry, unit, ctx, i);
      }
    return job_.may_fit() && io_failure_.empty();
  }

  const std::string& io_failure() const { return io_failure_; }

 private:
  FitContext context(const SolverEntry& entry, Dtype dtype) {
    FitContext ctx(cache_);
    ctx.registry = config_.registry;
    ctx.dtype = dtype;
    ctx.force_memory = config_.execution.force_memory;
    ctx.validation = &data_.split.validation;
    Progress& progress = job_.progress();
    ctx.log = [&progress, &entry](const std::string& line) {
      // Solvers name themselves in their lines; the entry id adds what the name does not tell.
      progress.detail(entry.id == entry.solver->name() ? line : entry.id + ": " + line);
    };
    return ctx;
  }

  // One Solver::fit_ranks call for the unit's ranks; when it fails, the ranks it did not hand out are
  // fitted one at a time (one rank's failure, e.g. memory at the largest rank, must not cost the others).
  void fit_sweep(const SolverEntry& entry, const FitUnit& unit, FitContext& ctx) {
    std::vector<Rank> ranks;
    for (std::size_t i : unit.points) ranks.push_back(entry.points[i].rank(kRankParam));
    std::string failure = failure_message([&] {
      reset_peak_rss();
      timer_.restart();
      entry.solver->fit_ranks(ctx, entry.points[unit.points.front()], ranks,
                              [&](const ParamSet& params, std::unique_ptr<FittedModel> model) {
                                return accept(entry, unit, params, std::move(model));
                              });
    });
    std::vector<std::size_t> rest;
    for (std::size_t i : unit.points)
      if (!finished_.count(i)) rest.push_back(i);
    if (failure.empty() && !rest.empty() && job_.may_fit() && io_failure_.empty())
      failure = "the solver returned without a model for some requested ranks";
    if (failure.empty()) return;
    if (rest.size() > 1 && !config_.execution.stop_on_error) {
      job_.progress().log("FAILED " + unit_description(entry, unit) + ": " + failure +
                          "; fitting the remaining ranks one at a time");
      for (std::size_t i : rest) {
        if (!job_.may_fit() || !io_failure_.empty()) break;
        fit_one(entry, unit, ctx, i);
      }
    } else {
      for (std::size_t i : rest) record_failure(entry, i, failure);
    }
  }

  // The unit as one collective call; a failure there ends every process, so none is recorded here.
  void fit_on_backend(const SolverEntry& entry, const FitUnit& unit) {
    const BackendFit request = backend_fit(config_, data_.split, entry, unit);
    reset_peak_rss();
    bool first = true;
    backend_->fit(request, [&](EvaluatedFit fit) {
      // The inverse is the backend's, not the LinalgCache's: counted here from what the unit reports.
      if (first && fit.report.inverse) ++(fit.report.inverse->reused ? report_.inverse_reuses : report_.inversions);
      first = false;
      const std::size_t index = requested_index(entry, unit, fit.params);
      cumulative_ += fit.fit_seconds;
      PointRecord record = point_record(entry, unit, index, fit.validation, fit.test, fit.report);
      record.timings.fit_seconds = fit.fit_seconds;
      return keep(entry, unit, index, std::move(record));
    });
  }

  void fit_one(const SolverEntry& entry, const FitUnit& unit, FitContext& ctx, std::size_t i) {
    // Independent rank fits pay for their own inverse: that is what their timing is for.
    if (fit_mode(entry, config_.execution) == "independent") cache_.release_inverse();
    const std::string failure = failure_message([&] {
      reset_peak_rss();
      timer_.restart();
      accept(entry, unit, entry.points[i], entry.solver->fit(ctx, entry.points[i]));
    });
    if (!failure.empty()) record_failure(entry, i, failure);
  }

  // The sink of every model: evaluate, persist, report. Returns whether more models are wanted.
  bool accept(const SolverEntry& entry, const FitUnit& unit, const ParamSet& params, std::unique_ptr<FittedModel> model) {
    const double fit_seconds = timer_.seconds();
    cumulative_ += fit_seconds;
    const std::size_t index = requested_index(entry, unit, params);
    if (!model) throw Error("solver '" + entry.solver->name() + "' handed back no model for " + params.str());
    PointRecord record = evaluate_point(entry, unit, index, *model);
    record.timings.fit_seconds = fit_seconds;
    model.reset();  // free a dense model before writing and before the next rank
    const bool more = keep(entry, unit, index, std::move(record));
    timer_.restart();
    return more;
  }

  // Persists and reports an evaluated point. Returns whether more models are wanted.
  bool keep(const SolverEntry& entry, const FitUnit& unit, std::size_t index, PointRecord record) {
    const double fit_seconds = record.timings.fit_seconds;
    record.timings.cumulative_fit_seconds = cumulative_;
    record.timings.sweep_position = ++position_;
    record.timings.sweep_size = unit.points.size();
    finished_.insert(index);
    if (!persist(entry, record)) return false;
    job_.fitted();
    ++report_.computed;
    // The part that selects: validation, or test in leaderboard mode.
    const bool on_test = config_.selection.on == "test";
    const PartResult& selecting = on_test ? record.test : record.validation;
    std::string result = entry.id + " " + describe(record.params) + ": " + (on_test ? "test " : "validation ") +
                         config_.selection.metric + " " + short_metric(selecting, config_.selection.metric) + ", fit " +
                         Progress::format_duration(fit_seconds);
    if (selecting.n_nonfinite_scores > 0)
      result += " (warning: " + std::to_string(selecting.n_nonfinite_scores) + " non-finite scores)";
    job_.progress().advance(result);
    scan_.records[unit.solver][index] = std::move(record);
    return job_.may_fit();
  }

  std::size_t requested_index(const SolverEntry& entry, const FitUnit& unit, const ParamSet& params) const {
    for (std::size_t i : unit.points)
      if (entry.points[i] == params && !finished_.count(i)) return i;
    throw Error("solver '" + entry.solver->name() + "' handed back a model for parameters that were not requested (" +
                params.str() + ")");
  }

  PointRecord evaluate_point(const SolverEntry& entry, const FitUnit& unit, std::size_t index, FittedModel& model) const {
    const auto& metrics = config_.evaluation.metrics;
    // A part without users (the test part of a given split's selection fits) is not evaluated.
    const auto part = [&](const HeldOutSet& set) {
      return set.n_users() > 0 ? evaluate(model, set, metrics, config_.evaluation.batch_users) : EvaluationResult();
    };
    const EvaluationResult validation = part(data_.split.validation);
    const EvaluationResult test = part(data_.split.test);
    return point_record(entry, unit, index, validation, test, model.report());
  }

  PointRecord point_record(const SolverEntry& entry, const FitUnit& unit, std::size_t index,
                           const EvaluationResult& validation, const EvaluationResult& test, const FitReport& report) const {
    PointRecord record;
    record.solver_id = entry.id;
    record.solver = entry.solver->name();
    record.params = entry.points[index];
    record.dtype = unit.dtype;
    record.fit_mode = fit_mode(entry, config_.execution);
    record.key = scan_.keys[unit.solver][index];
    record.validation = part_result(validation);
    record.test = part_result(test);
    record.test_uids = test.uids;
    record.test_per_user = test.per_user;
    record.timings.validation_seconds = validation.seconds;
    record.timings.test_seconds = test.seconds;
    record.objective = report.objective;
    record.report = report;
    record.peak_rss_bytes = peak_rss_bytes();
    record.finished_at = utc_timestamp();
    return record;
  }

  // A point that cannot be written (a full disk) stops the run: every later point would fail alike.
  bool persist(const SolverEntry& entry, PointRecord& record) {
    const std::string failure = failure_message([&] { store_.save(record); });
    if (failure.empty()) {
      // Per-user vectors are read back at the end for the selected points only: a sweep of hundreds
      // of points on 50,000 test users would otherwise hold them all.
      record.test_uids.clear();
      record.test_per_user.clear();
      record.report.reset();
      return true;
    }
    io_failure_ = "cannot write the results of " + entry.id + " " + describe(record.params) + ": " + failure;
    job_.progress().log("FAILED " + io_failure_ + "; stopping the run");
    return false;
  }

  void record_failure(const SolverEntry& entry, std::size_t i, const std::string& why) {
    ++report_.failed;
    job_.fail({{"solver_id", entry.id}, {"solver", entry.solver->name()}, {"params", entry.points[i].to_json()}}, why);
    job_.progress().log("FAILED " + entry.id + " " + describe(entry.points[i]) + ": " + why);
  }

  const ExperimentConfig& config_;
  const FitData& data_;
  const PointStore& store_;
  ResumeScan& scan_;
  ResumableJob& job_;
  LinalgCache& cache_;
  RunReport& report_;
  SweepBackend* backend_;
  Timer timer_;
  std::size_t position_ = 0;
  double cumulative_ = 0;
  std::set<std::size_t> finished_;
  std::string io_failure_;
};

// Keep only what the next fits can use: the Gram of another precision and an inverse of another
// regulariser would only hold memory.
void release_unneeded(LinalgCache& cache, const FitUnit& unit, const FitUnit* previous) {
  if (!previous) return;
  if (previous->dtype != unit.dtype) cache.release();
  else if (previous->inverse != unit.inverse) cache.release_inverse();
}

void fit_units(const ExperimentConfig& config, const FitData& data, const PointStore& store,
               const std::vector<FitUnit>& units, ResumeScan& scan, ResumableJob& job, RunReport& report,
               LinalgCache& cache, std::string& io_failure, SweepBackend* backend) {
  UnitFitter fitter(config, data, store, scan, job, cache, report, backend);
  const FitUnit* previous = nullptr;
  bool more = true;
  for (const FitUnit& unit : units) {
    // The processes that follow (follow_units) start a unit when the writer does.
    if (backend) more = backend->follow_writer(more);
    if (!more) break;
    if (!backend) release_unneeded(cache, unit, previous);
    previous = &unit;
    more = fitter.run(unit);
  }
  io_failure = fitter.io_failure();
}

// The units on a process that does not write: the same collective calls as fit_units on the writer,
// in the same order, stopping where the writer stops.
void follow_units(const ExperimentConfig& config, const SplitData& split, const std::vector<FitUnit>& units,
                  SweepBackend& backend) {
  for (const FitUnit& unit : units) {
    if (!backend.follow_writer(false)) return;
    backend.fit(backend_fit(config, split, config.solvers[unit.solver], unit),
                [](const EvaluatedFit&) { return true; });
  }
}

// ---- Stage: checks before the first large allocation --------------------------------------------------

void refuse_what_cannot_fit(const ExperimentConfig& config, const MemoryPlan& memory, std::size_t to_fit) {
  if (to_fit == 0 || memory.fits() || config.execution.force_memory) return;
  const std::string per_process =
      memory.layout ? " (" + std::to_string(memory.layout->processes_on_node) + " processes on this node, " +
                          format_bytes(memory.total_bytes) + " each" +
                          (memory.leader_extra_bytes > 0 ? ", rank 0 " + format_bytes(memory.leader_extra_bytes) + " more" : "") +
                          ")"
                    : "";
  throw Error(config_prefix(config) + "the estimated peak memory " + format_bytes(memory.node_bytes()) + per_process +
              " exceeds the " +
              format_bytes(memory.available_bytes) + " available (largest fit: " + memory.largest_fit + ", " +
              format_bytes(memory.largest_fit_bytes) +
              "); nothing was fitted. Use dtype float32 or fewer/smaller ranks, or set execution.force_memory to "
              "run anyway (aelab run --dry-run prints the plan)");
}

// The paired tests and per-user exports need the per-user vectors of the selected points.
void load_selected_per_user(const ExperimentConfig& config, const PointStore& store, SweepRecords& records) {
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    for (const auto& group :
         select_best(config.solvers[s].points, selection_scores(config, records, s), config.selection.per))
      if (group.chosen) store.load_per_user(*records[s][*group.chosen]);
}

void print_summary(std::ostream& out, const ExperimentConfig& config, const RunReport& report) {
  print_selection(out, config, report.records, report.selection);
  out << "points: " << report.points << " (" << report.computed << " fitted now, " << report.reused << " stored, "
      << report.failed << " failed, " << report.not_run << " not run); " << report.inversions << " inverse(s) computed, "
      << report.inverse_reuses << " reused; results in " << config.output.dir << "\n";
  if (report.not_run > 0) out << "incomplete: rerun the same command to fit the remaining points\n";
  if (report.failed > 0)
    out << "failed fits are listed in " << (fs::path(config.output.dir) / "failures.json").string() << "\n";
}

// Under a backend every process reaches `step` and a failure anywhere is one line from one process.
void on_every_process(const RunOptions& options, const std::function<void()>& step) {
  if (options.backend) options.backend->agree(step);
  else step();
}

std::vector<bool> flatten(const std::vector<std::vector<bool>>& todo) {
  std::vector<bool> flat;
  for (const auto& t : todo) flat.insert(flat.end(), t.begin(), t.end());
  return flat;
}

std::vector<std::vector<bool>> unflatten(const std::vector<bool>& flat, const ExperimentConfig& config) {
  std::vector<std::vector<bool>> todo;
  std::size_t at = 0;
  for (const auto& entry : config.solvers) {
    if (at + entry.points.size() > flat.size()) throw Error("the writer process planned another grid");
    todo.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(at),
                      flat.begin() + static_cast<std::ptrdiff_t>(at + entry.points.size()));
    at += entry.points.size();
  }
  return todo;
}

std::size_t count_todo(const std::vector<std::vector<bool>>& todo) {
  std::size_t n = 0;
  for (const auto& t : todo) n += static_cast<std::size_t>(std::count(t.begin(), t.end(), true));
  return n;
}

}  // namespace

JobOptions job_options(const ExperimentConfig& config, const RunOptions& options) {
  JobOptions job;
  job.quiet = options.quiet;
  job.progress_bar = options.progress_bar;
  job.log = options.log;
  job.threads = config.threads;
  job.max_new_fits = options.max_fits;
  job.stop_on_error = config.execution.stop_on_error;
  return job;
}

namespace {

// ---- Stage: the given split's refit of the selected points -----------------------------------------

// The selected points of every entry, fitted again on every training row and scored on the test
// users (stored under <output>/refit/); their test parts replace the selection fits' empty ones.
// The writer's selection as one list (per entry: its count, then the chosen points in selection
// order), so the processes that follow build the same refit grid without the records.
std::vector<std::size_t> flatten(const std::vector<std::vector<std::size_t>>& origin) {
  std::vector<std::size_t> flat;
  for (const auto& chosen : origin) {
    flat.push_back(chosen.size());
    flat.insert(flat.end(), chosen.begin(), chosen.end());
  }
  return flat;
}

ExperimentConfig refit_grid(const ExperimentConfig& config, const std::vector<std::vector<std::size_t>>& origin) {
  ExperimentConfig refit = config;
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    refit.solvers[s].points.clear();
    for (std::size_t i : origin[s]) refit.solvers[s].points.push_back(config.solvers[s].points.at(i));
  }
  return refit;
}

std::vector<std::vector<std::size_t>> unflatten_origin(const std::vector<std::size_t>& flat, std::size_t entries) {
  std::vector<std::vector<std::size_t>> origin(entries);
  std::size_t at = 0;
  for (auto& chosen : origin) {
    if (at >= flat.size() || at + 1 + flat[at] > flat.size()) throw Error("the writer process selected another grid");
    chosen.assign(flat.begin() + static_cast<std::ptrdiff_t>(at + 1),
                  flat.begin() + static_cast<std::ptrdiff_t>(at + 1 + flat[at]));
    at += 1 + flat[at];
  }
  return origin;
}

// The selected points of every entry, fitted again on every training row and scored on the test
// users (stored under <output>/refit/); their test parts replace the selection fits' empty ones.
void refit_selected(const ExperimentConfig& config, const ExperimentData& data, ResumableJob& job,
                    const RunOptions& options, SweepRecords& records, RunReport& report) {
  std::vector<std::vector<std::size_t>> origin(config.solvers.size());  // refit point -> the entry's point
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    for (const auto& group :
         select_best(config.solvers[s].points, selection_scores(config, records, s), config.selection.per))
      if (group.chosen) origin[s].push_back(*group.chosen);
  SweepBackend* backend = options.backend;
  if (backend) backend->follow_writer(flatten(origin));
  const ExperimentConfig refit = refit_grid(config, origin);
  const FitData fit{*data.refit, data.refit_digest};
  const PointStore store((fs::path(config.output.dir) / "refit").string());
  ResumeScan scan = scan_stored_points(refit, fit, store, options.force, &job.progress());
  // As in scan_and_plan: the writer reads refit/, the others plan from its answer (follow_refit).
  if (backend) backend->follow_writer(flatten(scan.todo));
  const std::vector<FitUnit> units = plan_units(refit, scan.todo);
  const std::size_t to_fit = count_todo(scan.todo);
  const MemoryPlan memory = estimate_peak_memory(refit, fit.split, units, backend);
  on_every_process(options, [&] { refuse_what_cannot_fit(refit, memory, to_fit); });
  job.progress().log("refitting the " + std::to_string(refit.n_points()) +
                     " selected points on every training row for the test numbers (" + std::to_string(scan.reused) +
                     " stored)");
  RunReport refit_report;
  std::string io_failure;
  {
    LinalgCache cache(fit.split.train, config.threads);
    job.progress().start(to_fit);
    fit_units(refit, fit, store, units, scan, job, refit_report, cache, io_failure, backend);
    job.progress().finish();
  }
  if (!io_failure.empty()) throw Error(io_failure);
  report.refitted = refit_report.computed;
  report.refit_reused = scan.reused;
  report.failed += refit_report.failed;
  for (std::size_t s = 0; s < config.solvers.size(); ++s)
    for (std::size_t j = 0; j < origin[s].size(); ++j) {
      std::optional<PointRecord>& refitted = scan.records[s][j];
      if (!refitted) {
        ++report.refit_not_run;
        continue;
      }
      store.load_per_user(*refitted);
      PointRecord& selected = *records[s][origin[s][j]];
      selected.test = refitted->test;
      selected.test_uids = std::move(refitted->test_uids);
      selected.test_per_user = std::move(refitted->test_per_user);
    }
}

// refit_selected on a process that does not write: the writer's selection and stored refit points,
// then the same collective fits on every training row.
void follow_refit(const ExperimentConfig& config, const ExperimentData& data, SweepBackend& backend) {
  const ExperimentConfig refit =
      refit_grid(config, unflatten_origin(backend.follow_writer(std::vector<std::size_t>{}), config.solvers.size()));
  const std::vector<std::vector<bool>> todo = unflatten(backend.follow_writer(std::vector<bool>{}), refit);
  const std::vector<FitUnit> units = plan_units(refit, todo);
  const MemoryPlan memory = estimate_peak_memory(refit, *data.refit, units, &backend);
  backend.agree([&] { refuse_what_cannot_fit(refit, memory, count_todo(todo)); });
  follow_units(refit, *data.refit, units, backend);
}

// ---- The sweep, stage by stage ----------------------------------------------------------------------

struct SweepState {
  const ExperimentConfig& config;
  const ExperimentData& data;
  ResumableJob& job;
  const RunOptions& options;
  FitData fit;
  PointStore store;
  RunReport report;
  ResumeScan scan;
  std::vector<FitUnit> units;
  MemoryPlan memory;
  nlohmann::json manifest;
  LinalgCache::Stats linalg;
  Timer wall;
};

void scan_and_plan(SweepState& st) {
  st.scan = scan_stored_points(st.config, st.fit, st.store, st.options.force, &st.job.progress());
  st.report.reused = st.scan.reused;
  // The writer alone reads the folder; the processes that follow plan from its answer (follow_sweep).
  if (st.options.backend) st.options.backend->follow_writer(flatten(st.scan.todo));
  st.units = plan_units(st.config, st.scan.todo);
  st.memory = estimate_peak_memory(st.config, st.fit.split, st.units, st.options.backend);
  on_every_process(st.options, [&] { refuse_what_cannot_fit(st.config, st.memory, count_todo(st.scan.todo)); });
}

void start(SweepState& st) {
  st.manifest = started_manifest(st.config, st.data, st.memory);
  if (st.data.refit) {
    st.manifest["selection"] = {{"on", st.config.selection.on}, {"optimistic", selects_on_test(st.config)}};
    if (selects_on_test(st.config))
      st.job.progress().log("warning: hyperparameters are selected on the test users (leaderboard mode): the test "
                            "numbers are optimistic");
  }
  write_manifest(st.config, st.manifest);
  const std::size_t to_fit = count_todo(st.scan.todo);
  st.job.progress().log("experiment " + st.config.name + ": " + std::to_string(st.report.points) + " points, " +
                        std::to_string(st.report.reused) + " stored, " + std::to_string(to_fit) + " to fit; results in " +
                        st.config.output.dir);
  if (to_fit > 0 && !st.memory.layout)
    st.job.progress().log("estimated peak memory " + format_bytes(st.memory.total_bytes) + ", available " +
                          format_bytes(st.memory.available_bytes));
  if (to_fit > 0 && st.memory.layout) {
    const ProcessLayout& l = *st.memory.layout;
    st.job.progress().log("backend " + l.backend + ": " + std::to_string(l.processes) + " process(es), grid " +
                          std::to_string(l.grid_rows) + " x " + std::to_string(l.grid_cols) + ", block " +
                          std::to_string(l.block) + "; estimated peak memory per process " +
                          format_bytes(st.memory.total_bytes) + ", " + format_bytes(st.memory.node_bytes()) + " for the " +
                          std::to_string(l.processes_on_node) + " on this node, available " +
                          format_bytes(st.memory.available_bytes));
  }
}

void fit(SweepState& st) {
  std::string io_failure;
  {
    LinalgCache cache(st.fit.split.train, st.config.threads);
    st.job.progress().start(count_todo(st.scan.todo));
    fit_units(st.config, st.fit, st.store, st.units, st.scan, st.job, st.report, cache, io_failure, st.options.backend);
    st.job.progress().finish();
    st.linalg = cache.stats();
  }
  for (const auto& entry_records : st.scan.records)
    for (const auto& r : entry_records) st.report.not_run += !r;
  st.report.not_run -= st.report.failed;
  if (st.options.backend) {
    st.linalg.inversions = st.report.inversions;
    st.linalg.inverse_reuses = st.report.inverse_reuses;
  }
  st.report.inversions = st.linalg.inversions;
  st.report.inverse_reuses = st.linalg.inverse_reuses;
  if (io_failure.empty()) return;
  finish_manifest(st.manifest, st.report, st.linalg, st.wall.seconds(), io_failure);
  st.manifest["status"] = "failed";
  const std::string manifest_failure = failure_message([&] { write_manifest(st.config, st.manifest); });
  throw Error(io_failure + (manifest_failure.empty() ? "" : "; manifest.json could not be updated either (" +
                                                                 manifest_failure + ")"));
}

void write_outputs(SweepState& st) {
  const fs::path dir(st.config.output.dir);
  if (!st.job.failures().empty())
    write_file_atomically((dir / "failures.json").string(), st.job.failures_json().dump(2) + "\n");
  else
    fs::remove(dir / "failures.json");
  if (!st.data.refit || selects_on_test(st.config)) load_selected_per_user(st.config, st.store, st.scan.records);
  st.report.selection = write_run_outputs(st.config, st.scan.records);
  st.report.records = std::move(st.scan.records);
  finish_manifest(st.manifest, st.report, st.linalg, st.wall.seconds(), "");
  if (st.data.refit && !selects_on_test(st.config))
    st.manifest["refit"] = {{"computed", st.report.refitted}, {"reused", st.report.refit_reused},
                            {"not_run", st.report.refit_not_run}};
  write_manifest(st.config, st.manifest);
}

void plot_and_report(SweepState& st) {
  // The approximation-gap plot is drawn after its section runs (experiments/gap/gap_section.hpp).
  std::vector<std::string> sweep_plots;
  for (const auto& kind : st.config.output.plots)
    if (kind != "approximation_gap") sweep_plots.push_back(kind);
  std::ostream& out = st.options.out ? *st.options.out : std::cout;
  std::ostream& log_stream = st.options.log ? *st.options.log : std::cerr;
  if (st.options.plots && !sweep_plots.empty())
    draw_run_plots(st.config.output.dir, sweep_plots, "plots", st.options.quiet, out, log_stream);
  if (st.options.quiet) return;
  print_summary(out, st.config, st.report);
  for (const MetricSpec& m : st.config.evaluation.metrics) out << "  " << m.definition() << "\n";
  if (st.data.refit && selects_on_test(st.config))
    out << "warning: selected on the test users (leaderboard mode): these test numbers are optimistic\n";
}

}  // namespace

RunReport run_sweep(const ExperimentConfig& config, const ExperimentData& data, ResumableJob& job,
                    const RunOptions& options) {
  on_every_process(options, [&] { check_ranks_fit_items(config, data.split.n_items(), "the number of items of the data"); });
  SweepState st{config, data, job, options, sweep_data(config, data), PointStore(config.output.dir), {}, {}, {}, {}, {}, {}, {}};
  st.report.output_dir = config.output.dir;
  st.report.points = config.n_points();
  scan_and_plan(st);
  start(st);
  fit(st);
  const bool refit = data.refit && !selects_on_test(config) && st.report.not_run == 0;
  if (options.backend && data.refit && !selects_on_test(config)) options.backend->follow_writer(refit);
  if (refit) refit_selected(config, data, job, options, st.scan.records, st.report);
  write_outputs(st);
  plot_and_report(st);
  return st.report;
}

void follow_sweep(const ExperimentConfig& config, const ExperimentData& data, const RunOptions& options) {
  SweepBackend& backend = *options.backend;
  backend.agree([&] { check_ranks_fit_items(config, data.split.n_items(), "the number of items of the data"); });
  const FitData fit = sweep_data(config, data);
  const std::vector<std::vector<bool>> todo = unflatten(backend.follow_writer(std::vector<bool>{}), config);
  const std::vector<FitUnit> units = plan_units(config, todo);
  const MemoryPlan memory = estimate_peak_memory(config, fit.split, units, &backend);
  backend.agree([&] { refuse_what_cannot_fit(config, memory, count_todo(todo)); });
  follow_units(config, fit.split, units, backend);
  if (data.refit && !selects_on_test(config) && backend.follow_writer(false)) follow_refit(config, data, backend);
}

RunReport run_sweep(const ExperimentConfig& config, const ExperimentData& data, const RunOptions& options) {
  if (options.dry_run) {
    check_ranks_fit_items(config, data.split.n_items(), "the number of items of the data");
    std::ostream& out = options.out ? *options.out : std::cout;
    const PointStore store(config.output.dir);
    const FitData fitted = sweep_data(config, data);
    ResumeScan scan = scan_stored_points(config, fitted, store, options.force, nullptr);
    const std::vector<FitUnit> units = plan_units(config, scan.todo);
    // The refit of the carve-out protocol trains on more rows than selection: the larger one bounds memory.
    const SplitData& largest = data.refit ? *data.refit : data.split;
    print_plan(out, config, fitted.split, data.refit.has_value() && !selects_on_test(config), scan.todo, units,
               estimate_peak_memory(config, largest, units, options.backend));
    RunReport report;
    report.output_dir = config.output.dir;
    report.points = config.n_points();
    report.reused = scan.reused;
    report.not_run = count_todo(scan.todo);
    return report;
  }
  ResumableJob job(config.output.dir, job_options(config, options));
  return run_sweep(config, data, job, options);
}

RunReport run_sweep(const ExperimentConfig& config, const RunOptions& options) {
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  auto log = [&](const std::string& line) {
    if (!options.quiet) log_stream << line << "\n";
  };
  const bool save = config.data.save_split && !options.dry_run;
  const ExperimentData data =
      load_experiment_data(config.data, save ? (fs::path(config.output.dir) / "split").string() : "", log);
  return run_sweep(config, data, options);
}

}  // namespace aelab
