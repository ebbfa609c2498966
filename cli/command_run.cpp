// `aelab run CONFIG`: runs an experiment config (docs/CONFIG.md), dispatching on its "experiment" type.
#include <filesystem>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "core/util/error.hpp"
#include "experiments/experiment_types.hpp"
#include "solvers/builtin.hpp"

namespace aelab::cli {

namespace fs = std::filesystem;

int command_run(const Arguments& args) {
  CommandLine cl("aelab run",
                 "Runs the experiment described by a JSON config (docs/CONFIG.md). Finished points are kept, so\n"
                 "rerunning the same command resumes an interrupted run.",
                 {{"check", "", "validate the config only (no data is read) and print the number of grid points"},
                  {"dry-run", "", "validate, then print the expanded grid, the number of fits and the estimated peak memory"},
                  {"force", "", "refit points that are already stored"},
                  {"quiet", "", "no progress output"},
                  {"set", "KEY=VALUE", "override a config value, e.g. --set data.path=/data/ml-20m/ratings.csv (repeatable)"},
                  {"out", "DIR", "output folder (overrides output.dir)"},
                  {"max-fits", "N", "stop after N new fits (rerun to continue)"},
                  {"no-plots", "", "do not draw plots at the end"}},
                 "CONFIG");
  if (!cl.parse(args)) return 0;
  if (cl.positional().size() != 1) throw Error("aelab run: expected one CONFIG file (see aelab run --help)");
  const std::string path = cl.positional()[0];
  const std::string working_dir = fs::current_path().string();
  std::vector<std::string> overrides = cl.values("set");
  if (auto out = cl.value("out")) overrides.push_back("output.dir=" + fs::absolute(*out).string());

  ExperimentRequest request;
  request.config = read_config_file(path, overrides, working_dir);
  request.location.config_path = fs::absolute(path).lexically_normal().string();
  request.location.config_dir = fs::absolute(path).parent_path().lexically_normal().string();
  request.location.working_dir = working_dir;
  const Registry registry = builtin_registry();
  request.registry = &registry;
  request.options.check_only = cl.flag("check");
  request.options.dry_run = cl.flag("dry-run");
  request.options.force = cl.flag("force");
  request.options.quiet = cl.flag("quiet");
  request.options.plots = !cl.flag("no-plots");
  if (auto n = cl.integer("max-fits")) {
    if (*n < 1) throw Error("aelab run: --max-fits expects a positive integer, got " + std::to_string(*n));
    request.options.max_fits = static_cast<std::size_t>(*n);
  }
  return run_experiment(request);
}

}  // namespace aelab::cli
