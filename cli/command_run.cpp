// `aelab run CONFIG`: runs an experiment config (docs/CONFIG.md), dispatching on its "experiment" type.
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command_line.hpp"
#include "cli/backend.hpp"
#include "cli/commands.hpp"
#include "cli/sweep_backends.hpp"
#include "core/util/error.hpp"
#include "experiments/common/config_sections.hpp"
#include "experiments/experiment_types.hpp"
#include "solvers/builtin.hpp"

namespace aelab::cli {

namespace fs = std::filesystem;

int command_run(const Arguments& args) {
  CommandLine cl("aelab run",
                 "Runs the experiment described by a JSON config (docs/CONFIG.md). Finished points are kept, so\n"
                 "rerunning the same command resumes an interrupted run.");
  std::string path;
  std::optional<std::string> out;
  std::optional<std::size_t> max_fits;
  std::vector<std::string> overrides;
  bool check = false, dry_run = false, force = false, quiet = false, no_plots = false;
  cl.positional("CONFIG", path, "the experiment config (JSON)")->check(existing_file());
  cl.flag("--check", check, "validate the config only (no data is read) and print the number of grid points");
  cl.flag("--dry-run", dry_run, "validate, then print the expanded grid, the number of fits and the estimated peak memory");
  cl.flag("--force", force, "refit points that are already stored");
  cl.flag("--quiet", quiet, "no progress output");
  cl.repeatable("--set", overrides, "KEY=VALUE", "override a config value, e.g. --set data.path=/data/ml-20m/ratings.csv");
  cl.option("--out", out, "DIR", "output folder (overrides output.dir)");
  cl.option("--max-fits", max_fits, "N", "stop after N new fits (rerun to continue)")->check(integer_at_least(1));
  cl.flag("--no-plots", no_plots, "do not draw plots at the end");
  if (!cl.parse(args)) return 0;
  const std::string working_dir = fs::current_path().string();
  if (out) overrides.push_back("output.dir=" + fs::absolute(*out).string());

  ExperimentRequest request;
  request.config = read_config_file(path, overrides, working_dir);
  request.location.config_path = fs::absolute(path).lexically_normal().string();
  request.location.config_dir = fs::absolute(path).parent_path().lexically_normal().string();
  request.location.working_dir = working_dir;
  const Registry registry = builtin_registry();
  request.registry = &registry;
  request.options.check_only = check;
  request.options.dry_run = dry_run;
  request.options.force = force;
  request.options.quiet = quiet;
  request.options.plots = !no_plots;
  if (max_fits) request.options.max_fits = *max_fits;
  // Only sweeps have a distributed backend; the others refuse P launched copies here.
  if (const std::string type = experiment_type(request.config); type != "sweep")
    refuse_parallel_launch("aelab run (experiment " + type + ")");
  SweepBackends backends;
  request.sweep_backend = backends.factory();
  return backends.run([&] { return run_experiment(request); });
}

}  // namespace aelab::cli
