#include "experiments/experiment_types.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <iostream>
#include <optional>

#include "core/util/error.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/gap/gap_config.hpp"
#include "experiments/gap/gap_section.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/proposition/proposition_run.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/runner.hpp"
#include "experiments/sweep/sweep_backend.hpp"

namespace aelab {

// Another type reads the shared sections with parse_data_config / resolve_output_dir
// (experiments/config.hpp), loads its data with load_experiment_data (experiments/data_source.hpp),
// and works on ExperimentData::split; e.g. the Proposition experiment's row runs its function on
// split.train with the output dir and request.options.quiet.
const std::vector<ExperimentType>& experiment_types() {
  static const std::vector<ExperimentType> table = {
      {"sweep", run_sweep_experiment, "solvers x hyperparameter grids, selection on validation, test metrics, plots"},
      {"proposition", run_proposition_config,
       "training SE of MLP autoencoders vs the rank-k linear bound (docs/MATH.md §2.6, docs/MLP.md)"},
  };
  return table;
}

int run_experiment(const ExperimentRequest& request) {
  const std::string type = experiment_type(request.config);
  std::string known;
  for (const auto& t : experiment_types()) {
    if (type == t.name) return t.run(request);
    known += (known.empty() ? "\"" : ", \"") + std::string(t.name) + "\"";
  }
  json_fail("experiment", "expected one of " + known + ", got " + json_show(type));
}

namespace {

void print_check(const RunOptions& options, const ExperimentConfig& config, const std::optional<GapConfig>& gap) {
  std::ostream& out = options.out ? *options.out : std::cout;
  out << "config OK: experiment " << config.name << ", " << config.solvers.size() << " solver entries, "
      << config.n_points() << " grid points"
      << (gap ? ", approximation gap at " + std::to_string(gap->ranks.size()) + " ranks" : std::string())
      << "; output " << config.output.dir << "\n";
  if (!items_known_before_loading(config.data))
    out << "note: ranks are checked against the number of items when the data are read (--dry-run reads them)\n";
}

// The sweep's own ranks are checked by run_sweep (and follow_sweep) once the data are read; the gap's
// here, then, and both at --check when the number of items is known without reading (synthetic data).
void check_gap_ranks(const ExperimentConfig& config, const std::optional<GapConfig>& gap, std::size_t n_items,
                     const std::string& bound) {
  if (!gap) return;
  for (const Rank& rank : gap->ranks)
    if (!rank.full && rank.k > n_items)
      throw Error(config_prefix(config) + "approximation_gap.ranks: rank " + rank.str() + " exceeds " + bound + " (" +
                  std::to_string(n_items) + ")");
}

// A refusal names the first point of each entry that the backend cannot fit: a silent fallback to
// one process would run P copies of it.
void refuse_what_the_backend_cannot_run(const ExperimentConfig& config, const std::optional<GapConfig>& gap,
                                        const SweepBackend& backend) {
  for (const SolverEntry& entry : config.solvers)
    for (const ParamSet& point : entry.points)
      if (const std::string why = backend.refusal(*entry.solver, point); !why.empty())
        throw Error(config_prefix(config) + entry.json_path + " (" + entry.id + "): " + why);
  if (gap)
    throw Error(config_prefix(config) + "approximation_gap: the approximation gap runs on the local backend only "
                "(its reference solver is iterative)");
}

}  // namespace

int run_sweep_experiment(const ExperimentRequest& request) {
  const Registry& registry = *request.registry;
  ExperimentConfig config = parse_experiment_config(request.config, request.location, registry, {"approximation_gap"});
  std::optional<GapConfig> gap;
  if (const auto it = request.config.find("approximation_gap"); it != request.config.end()) {
    nlohmann::json resolved;
    gap = parse_gap_config(*it, "approximation_gap", config, registry, resolved);
    config.extend_resolved("approximation_gap", std::move(resolved));
  }
  const std::unique_ptr<SweepBackend> backend = request.sweep_backend ? request.sweep_backend(config) : nullptr;
  RunOptions options = request.options;
  options.backend = backend.get();
  // Every step below that any process can fail is agreed on by all of them under a backend.
  const auto everywhere = [&](const std::function<void()>& step) {
    if (backend) backend->agree(step);
    else step();
  };
  if (backend) everywhere([&] { refuse_what_the_backend_cannot_run(config, gap, *backend); });
  const bool writer = !backend || backend->writes_results();
  if (options.check_only) {
    if (const auto items = items_known_before_loading(config.data))
      everywhere([&] {
        check_ranks_fit_items(config, *items, "the items of the synthetic generator");
        check_gap_ranks(config, gap, *items, "the items of the synthetic generator");
      });
    if (writer) print_check(options, config, gap);
    return 0;
  }
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  const auto log = [&](const std::string& line) {
    if (!options.quiet && writer) log_stream << line << "\n";
  };
  const bool save = config.data.save_split && !options.dry_run && writer;
  ExperimentData data;
  everywhere([&] {
    data = load_experiment_data(config.data, save ? (std::filesystem::path(config.output.dir) / "split").string() : "",
                                log);
    check_gap_ranks(config, gap, data.split.n_items(), "the number of items of the data");
  });
  if (options.dry_run) {
    if (!writer) return 0;
    run_sweep(config, data, options);
    if (gap) run_gap_section(*gap, config, data, RunReport{}, registry, nullptr, options);
    return 0;
  }
  std::unique_ptr<ResumableJob> job;
  everywhere([&] {
    if (writer) job = std::make_unique<ResumableJob>(config.output.dir, job_options(config, options));
  });
  if (!writer) {
    follow_sweep(config, data, options);
    return 0;
  }
  const RunReport report = run_sweep(config, data, *job, options);
  if (!gap) return report.failed > 0 ? 1 : 0;
  // The gap runs at the points the sweep selected, on the same data, once the sweep is complete.
  if (report.not_run > 0) {
    if (!options.quiet)
      (options.out ? *options.out : std::cout)
          << "approximation gap: not run (the sweep is incomplete; rerun to finish it, then the gap runs)\n";
    return report.failed > 0 ? 1 : 0;
  }
  const GapRunReport gap_report = run_gap_section(*gap, config, data, report, registry, job.get(), options);
  return report.failed > 0 || gap_report.failed > 0 ? 1 : 0;
}

}  // namespace aelab
