#include "experiments/experiment_types.hpp"

#include <unistd.h>

#include <iostream>

#include "core/error.hpp"
#include "experiments/atomic_file.hpp"
#include "experiments/data_source.hpp"
#include "experiments/json_reader.hpp"
#include "experiments/proposition.hpp"

namespace aelab {

// Another type reads the shared sections with parse_data_config / resolve_output_dir
// (experiments/config.hpp), loads its data with load_experiment_data (experiments/data_source.hpp),
// and works on ExperimentData::split, as run_proposition_type does.
const std::vector<ExperimentType>& experiment_types() {
  static const std::vector<ExperimentType> table = {
      {"sweep", run_sweep_experiment, "solvers x hyperparameter grids, selection on validation, test metrics, plots"},
      {"proposition", run_proposition_type, "SPEC 2.6: training SE of MLP autoencoders vs the rank-k linear bound"},
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
        << config.n_points() << " grid points; output " << config.output.dir << "\n";
    return 0;
  }
  const RunReport report = run_sweep(config, request.options);
  return report.failed > 0 ? 1 : 0;
}

int run_proposition_type(const ExperimentRequest& request) {
  // Everything is validated before the data is read: the shared sections by the sweep's rules, the
  // "proposition" section by experiments/proposition.hpp.
  JsonObject root(request.config, "",
                  {"schema_version", "name", "description", "experiment", "seed", "data", "output", "proposition"});
  const auto& version = root.required("schema_version", "1");
  if (!version.is_number_integer() || version.get<std::int64_t>() != kConfigSchemaVersion)
    json_fail("schema_version", "expected " + std::to_string(kConfigSchemaVersion) +
                                    " (the config schema this aelab reads), got " + json_show(version));
  if (const auto* output = root.find("output")) JsonObject(*output, "output", {"dir"});
  const DataConfig data = parse_data_config(request.config, request.location);
  const std::string out_dir = resolve_output_dir(request.config, request.location);
  const PropositionSettings settings =
      parse_proposition_settings(request.config, request.location.config_dir, *request.registry);
  std::ostream& out = request.options.out ? *request.options.out : std::cout;
  std::ostream& log_stream = request.options.log ? *request.options.log : std::cerr;
  if (request.options.check_only || request.options.dry_run) {
    out << "config OK: Proposition experiment, " << settings.architectures.size() << " architectures x "
        << settings.ranks.size() << " ranks; output " << out_dir << "\n";
    return 0;
  }
  const RunLock lock(out_dir);
  const auto log = [&](const std::string& line) {
    if (!request.options.quiet) log_stream << line << "\n";
  };
  const ExperimentData loaded = load_experiment_data(data, "", log);
  const bool color = !request.options.out && ::isatty(STDOUT_FILENO);
  return run_proposition_experiment(request.config, request.location.config_dir, out_dir, loaded.split.train, out, color, log);
}

}  // namespace aelab
