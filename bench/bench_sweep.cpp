// `aelab bench sweep`: what a Figure-1-style sweep costs through the runner, against the work it cannot
// avoid. The target: a sweep of the closed forms over ranks x lambda x p costs little more than
// its distinct inverses and its eigendecompositions (one per (solver, lambda, p) at the largest rank).
// Runs `aelab run`'s sweep (experiments/runner.hpp) on synthetic data and splits its wall time into
// the inverses with their Gram copies (LinalgCache statistics), the eigendecompositions (the solvers' reported
// eigen seconds, once per rank sweep), scoring (validation and test) and the rest (model assembly,
// result files with fsync, selection, plots off).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <unistd.h>

#include "bench/suites.hpp"
#include "cli/command_line.hpp"
#include "core/data/split.hpp"
#include "core/data/synthetic.hpp"
#include "core/data/vae_cf.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/runner.hpp"
#include "experiments/common/split_digest.hpp"
#include "solvers/builtin.hpp"

namespace aelab::bench {

namespace {

namespace fs = std::filesystem;

nlohmann::json parse_list(const std::string& option, const std::string& text) {
  nlohmann::json list = nlohmann::json::array();
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    const nlohmann::json value = parse_cli_value(item);
    if (item.empty()) throw Error("aelab bench sweep: --" + option + ": empty item in \"" + text + "\"");
    list.push_back(value);
  }
  if (list.empty()) throw Error("aelab bench sweep: --" + option + " is empty");
  return list;
}

double seconds_of(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : 0.0;
}

}  // namespace

int run_sweep_bench(const Arguments& args) {
  cli::CommandLine cl("aelab bench sweep",
                      "Runs a rank x lambda x p sweep of the closed forms through the runner on synthetic data and splits\n"
                      "its wall time into inverses, eigendecompositions, scoring and runner overhead.");
  long long items = 3000;
  std::optional<long long> users_given;
  std::string solvers_text = "closed_form_approx,unconstrained", ranks_text = "10,20,50,100,200,500,1000,full",
              lambdas_text = "100,300,1000", ps_text = "0.25,0.33", dtype = "float64";
  int threads = 0;
  std::optional<std::string> out;
  cl.option("--items", items, "N", "items of the synthetic data (default 3000)")->check(cli::integer_at_least(50));
  cl.option("--users", users_given, "M", "users of the synthetic data (default 10 x items)")->check(cli::integer_at_least(100));
  cl.option("--solvers", solvers_text, "LIST", "solvers to sweep (default closed_form_approx,unconstrained)");
  cl.option("--ranks", ranks_text, "LIST", "ranks, \"full\" allowed (default 10,20,50,100,200,500,1000,full)");
  cl.option("--lambdas", lambdas_text, "LIST", "lambda values (default 100,300,1000)");
  cl.option("--ps", ps_text, "LIST", "p values (default 0.25,0.33)");
  cl.option("--dtype", dtype, "D", "float64 (default) or float32");
  cl.option("--threads", threads, "T", "BLAS threads (default: OpenBLAS's)");
  cl.option("--out", out, "DIR", "keep the results in DIR (default: a temporary folder, removed)");
  if (!cl.parse(args)) return 0;
  const long long users = users_given.value_or(10 * items);
  const nlohmann::json ranks = parse_list("ranks", ranks_text);
  const nlohmann::json lambdas = parse_list("lambdas", lambdas_text);
  const nlohmann::json ps = parse_list("ps", ps_text);
  const nlohmann::json solvers = parse_list("solvers", solvers_text);

  const bool keep = out.has_value();
  const std::string out_dir =
      keep ? fs::absolute(*out).string()
           : (fs::temp_directory_path() / ("aelab-bench-sweep-" + std::to_string(::getpid()))).string();

  // The data: the synthetic generator through the protocol, as a config's "synthetic" source does.
  const nlohmann::json synthetic = {{"users", users}, {"items", items}, {"mean_items_per_user", 40}, {"seed", 1}};
  nlohmann::json config = {{"schema_version", 1},
                           {"name", "bench-sweep"},
                           {"dtype", dtype},
                           {"threads", threads},
                           {"data", {{"synthetic", synthetic}, {"threshold", 3.5}, {"heldout_users", users / 10}}},
                           {"output", {{"dir", out_dir}, {"plots", nlohmann::json::array()}}},
                           {"solvers", nlohmann::json::array()}};
  for (const auto& name : solvers)
    config["solvers"].push_back({{"solver", name}, {"grid", {{"rank", ranks}, {"lambda", lambdas}, {"p", ps}}}});
  const Registry registry = builtin_registry();
  const ExperimentConfig parsed =
      parse_experiment_config(config, ConfigLocation{"", fs::current_path().string(), fs::current_path().string()}, registry);

  Timer data_timer;
  ExperimentData data;
  SplitSummary summary;
  data.split = to_split_data(make_split(generate_synthetic(SyntheticSpec::from_json(synthetic, "synthetic")),
                                        parsed.data.split, &summary));
  data.digest = split_digest(data.split);
  data.provenance = {{"source", "bench"}};
  const double data_seconds = data_timer.seconds();
  std::cout << "data: " << data.split.train.n_rows() << " training users, " << data.split.n_items() << " items, "
            << data.split.train.nnz() << " interactions, " << data.split.test.n_users() << " test users ("
            << data_seconds << " s to generate and split)\n";
  std::cout << "sweep: " << parsed.n_points() << " points = " << solvers.size() << " solvers x " << ranks.size()
            << " ranks x " << lambdas.size() << " lambdas x " << ps.size() << " p, " << dtype << "\n";

  fs::remove_all(out_dir);
  RunOptions options;
  options.quiet = true;
  options.plots = false;
  std::ostringstream sink;
  options.out = &sink;
  options.log = &sink;
  Timer wall;
  const RunReport report = run_sweep(parsed, data, options);
  const double wall_seconds = wall.seconds();

  // The parts, from the manifest and the point files.
  std::ifstream manifest_file(fs::path(out_dir) / "manifest.json");
  const nlohmann::json manifest = nlohmann::json::parse(manifest_file);
  const nlohmann::json& linalg = manifest.at("linalg");
  double eigen = 0, scoring = 0;
  std::size_t sweeps = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(out_dir) / "points")) {
    if (entry.path().extension() != ".json" || entry.path().filename().string()[0] == '.') continue;
    std::ifstream in(entry.path());
    const nlohmann::json point = nlohmann::json::parse(in);
    const auto& t = point.at("timings");
    scoring += seconds_of(t, "validation_seconds") + seconds_of(t, "test_seconds");
    // A sweep's eigendecomposition is reported by each of its models: count it at its first rank.
    const nlohmann::json& fit_report = point.at("report");
    if (t.value("sweep_position", 0) == 1 && fit_report.is_object() && fit_report.contains("seconds")) {
      eigen += seconds_of(fit_report.at("seconds"), "eigen");
      ++sweeps;
    }
  }
  const double gram = seconds_of(linalg, "gram_seconds"), inverses = seconds_of(linalg, "inverse_seconds");
  // LinalgCache times an inverse from its Gram copy on, so the Gram builds are inside `inverses`.
  const double rest = wall_seconds - inverses - eigen - scoring;
  std::printf("points fitted: %zu (%zu failed); rank sweeps: %zu; inverses computed: %zu, reused: %zu\n", report.computed,
              report.failed, sweeps, linalg.value("inversions", std::size_t(0)), linalg.value("inverse_reuses", std::size_t(0)));
  std::printf("wall %.2f s = inverses %.2f s (Gram builds %.2f s included) + eigendecompositions %.2f s + scoring %.2f s "
              "+ rest %.2f s\n",
              wall_seconds, inverses, gram, eigen, scoring, rest);
  std::printf("sweep / (inverses + eigendecompositions) = %.3f; rest per point = %.1f ms\n",
              wall_seconds / std::max(1e-9, inverses + eigen), 1000 * rest / std::max<double>(1, double(report.computed)));
  if (!keep) fs::remove_all(out_dir);
  return report.failed > 0 ? 1 : 0;
}

}  // namespace aelab::bench
