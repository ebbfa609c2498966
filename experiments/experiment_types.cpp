#include "experiments/experiment_types.hpp"

#include <filesystem>
#include <iostream>

#include "core/util/error.hpp"
#include "experiments/gap/gap_section.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/proposition/proposition_run.hpp"

namespace aelab {

// Another type reads the shared sections with parse_data_config / resolve_output_dir
// (experiments/config.hpp), loads its data with load_experiment_data (experiments/data_source.hpp),
// and works on ExperimentData::split; e.g. the Proposition experiment's row runs its function on
// split.train with the output dir and request.options.quiet.
const std::vector<ExperimentType>& experiment_types() {
  static const std::vector<ExperimentType> table = {
      {"sweep", run_sweep_experiment, "solvers x hyperparameter grids, selection on validation, test metrics, plots"},
      {"proposition", run_proposition_config,
       "training SE of MLP autoencoders vs the rank-k linear bound (SPEC 2.6, docs/MLP.md)"},
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

int run_sweep_experiment(const ExperimentRequest& request) {
  const ExperimentConfig config = parse_experiment_config(request.config, request.location, *request.registry);
  if (request.options.check_only) {
    std::ostream& out = request.options.out ? *request.options.out : std::cout;
    out << "config OK: experiment " << config.name << ", " << config.solvers.size() << " solver entries, "
        << config.n_points() << " grid points"
        << (config.approximation_gap
                ? ", approximation gap at " + std::to_string(config.approximation_gap->ranks.size()) + " ranks"
                : std::string())
        << "; output " << config.output.dir << "\n";
    return 0;
  }
  if (!config.approximation_gap) {
    const RunReport report = run_sweep(config, request.options);
    return report.failed > 0 ? 1 : 0;
  }
  // With an approximation_gap section: the sweep, then the gap at the points it selected, on the same data.
  const RunOptions& options = request.options;
  std::ostream& log_stream = options.log ? *options.log : std::cerr;
  const auto log = [&](const std::string& line) {
    if (!options.quiet) log_stream << line << "\n";
  };
  const bool save = config.data.save_split && !options.dry_run;
  const ExperimentData data = load_experiment_data(
      config.data, save ? (std::filesystem::path(config.output.dir) / "split").string() : "", log);
  const RunReport report = run_sweep(config, data, options);
  if (!options.dry_run && report.not_run > 0) {
    if (!options.quiet)
      (options.out ? *options.out : std::cout)
          << "approximation gap: not run (the sweep is incomplete; rerun to finish it, then the gap runs)\n";
    return report.failed > 0 ? 1 : 0;
  }
  const GapRunReport gap = run_gap_section(config, data, report.selection, *request.registry, options);
  return report.failed > 0 || gap.failed > 0 ? 1 : 0;
}

}  // namespace aelab
