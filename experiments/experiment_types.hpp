#pragma once
// `aelab run CONFIG` dispatches on the config's "experiment" field (default "sweep") to one function
// per experiment type. Each type reads its own config schema (the common conventions are in
// docs/CONFIG.md) and returns the process exit status. To add a type, write its function and add one
// row to the table in experiment_types.cpp.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/solver/registry.hpp"
#include "experiments/common/config_sections.hpp"
#include "experiments/common/run_options.hpp"

namespace aelab {

struct ExperimentConfig;
class SweepBackend;

// Makes the backend a sweep config's execution section names (cli/ knows the implementations);
// returns null for the local backend.
using SweepBackendFactory = std::function<std::unique_ptr<SweepBackend>(const ExperimentConfig& config)>;

struct ExperimentRequest {
  nlohmann::json config;     // parsed, --set overrides applied, not yet validated
  ConfigLocation location;   // config file path, its folder, and the working dir
  const Registry* registry = nullptr;
  RunOptions options;        // --dry-run, --force, --quiet, --max-fits, --no-plots
  SweepBackendFactory sweep_backend;  // empty: every sweep on the local backend
};

using ExperimentFunction = int (*)(const ExperimentRequest& request);

struct ExperimentType {
  const char* name;
  ExperimentFunction run;
  const char* summary;
};

const std::vector<ExperimentType>& experiment_types();

// Runs the experiment named by request.config["experiment"]; unknown names are a one-line error.
int run_experiment(const ExperimentRequest& request);

// The "sweep" type: validates the config (and its optional approximation_gap section) and runs
// experiments/sweep/runner.hpp, then experiments/gap/gap_section.hpp. Exit status 0 when every point
// exists at the end (or after a dry run / a max-fits stop), 1 when fits failed.
int run_sweep_experiment(const ExperimentRequest& request);

}  // namespace aelab
