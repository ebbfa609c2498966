// The sweep runner on a small in-memory split with test-only solvers: the result files, reuse of the
// Gram / inverses / eigendecompositions, resume after an interruption (a stop after N fits and a
// SIGKILL of a child process), --force, failures, selection and plots.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/util/file_writer.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/common/gnuplot.hpp"
#include "experiments/sweep/plots.hpp"
#include "experiments/sweep/point_store.hpp"
#include "experiments/common/run_lock.hpp"
#include "experiments/sweep/runner.hpp"
#include "experiments/common/split_digest.hpp"
#include "tests/experiment_fixtures.hpp"

using namespace aelab;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json sweep_config(const std::string& out_dir) {
  json config = json::parse(R"({
    "schema_version": 1,
    "name": "runner-test",
    "seed": 5,
    "data": {"synthetic": {"users": 300, "items": 40, "mean_items_per_user": 10, "seed": 1}, "heldout_users": 20},
    "evaluation": {"metrics": ["ndcg@10", "recall@5"], "save_per_user": true},
    "selection": {"metric": "ndcg@10", "per": ["rank"]},
    "solvers": [
      {"id": "a", "solver": "shrink", "grid": {"lambda": [1, 30, 1000], "p": [0, 0.5], "rank": [2, 4, 8, "full"]}},
      {"id": "b", "solver": "shrink", "fixed": {"p": 0.5}, "grid": {"lambda": [30, 1000], "rank": [2, 8]}},
      {"id": "pop", "solver": "popularity"}
    ]
  })");
  config["output"] = {{"dir", out_dir}, {"plots", json::array()}};
  return config;
}

struct Fixture {
  std::shared_ptr<test::SolverCounters> counters = std::make_shared<test::SolverCounters>();
  Registry registry = test::test_registry(counters);
  ExperimentData data;
  Fixture() {
    data.split = test::small_split();
    data.digest = split_digest(data.split);
    data.provenance = {{"source", "test"}, {"split_digest", data.digest}};
  }
  ExperimentConfig config(const json& j) const {
    return parse_experiment_config(j, ConfigLocation{"", fs::current_path().string(), fs::current_path().string()}, registry);
  }
};

RunOptions quiet_options(std::ostringstream& sink) {
  RunOptions options;
  options.quiet = true;
  options.plots = false;
  options.out = &sink;
  options.log = &sink;
  return options;
}

std::size_t count_files(const std::string& dir, const std::string& suffix) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("a sweep writes every result file, shares inverses and eigendecompositions, and selects per rank") {
  Fixture f;
  test::TempDir dir;
  const ExperimentConfig config = f.config(sweep_config(dir.file("out")));
  std::ostringstream sink;
  const RunReport report = run_sweep(config, f.data, quiet_options(sink));
  CHECK(report.points == 24 + 4 + 1);
  CHECK(report.computed == 29);
  CHECK(report.complete());
  // One inverse per distinct (lambda, p): a has 6, b's (30, 0.5) and (1000, 0.5) are a's too.
  CHECK(report.inversions == 6);
  CHECK(report.inverse_reuses == 2);
  // One eigendecomposition per (entry, lambda, p) sweep over the ranks, and one sweep call each.
  CHECK(f.counters->eigendecompositions == 6 + 2);
  CHECK(f.counters->sweeps == 6 + 2);
  CHECK(f.counters->fits == 28);
  CHECK(f.counters->saw_validation == 8);  // FitContext::validation is set for every fit

  const std::string out = dir.file("out");
  for (const char* file : {"manifest.json", "summary.csv", "timings.csv", "selection.json", "comparisons.csv", "run.log"})
    CHECK_MESSAGE(fs::exists(out + "/" + file), file);
  CHECK(!fs::exists(out + "/failures.json"));
  CHECK(count_files(out + "/points", ".json") == 29);
  CHECK(count_files(out + "/points", ".users.bin") == 29);
  CHECK(fs::exists(out + "/points/a/lambda=30,p=0.5,rank=full,seed=5.json"));
  CHECK(fs::exists(out + "/points/pop/default.json"));

  const json point = json::parse(test::read_text(out + "/points/a/lambda=30,p=0.5,rank=4,seed=5.json"));
  CHECK(point.at("params") == json{{"lambda", 30.0}, {"p", 0.5}, {"rank", 4}, {"seed", 5}});
  CHECK(point.at("fit_mode") == "shared_sweep");
  CHECK(point.at("validation").at("metrics").at("ndcg@10").at("n_users") == 40);
  CHECK(point.at("test").at("metrics").at("recall@5").contains("se"));
  CHECK(point.at("objective").is_number());
  CHECK(point.at("report").at("facts").at("validation_users_seen") == 40);
  CHECK(point.at("peak_rss_bytes").get<std::size_t>() > 0);
  CHECK(point.at("timings").at("sweep_size") == 4);

  const json manifest = json::parse(test::read_text(out + "/manifest.json"));
  CHECK(manifest.at("status") == "complete");
  CHECK(manifest.at("config_hash") == config.hash);
  CHECK(manifest.at("software").at("git_revision").is_string());
  CHECK(manifest.at("software").at("armadillo").get<std::string>().size() > 0);
  CHECK(manifest.at("data").at("split_digest") == f.data.digest);
  CHECK(manifest.at("points").at("computed") == 29);
  CHECK(!manifest.at("finished_at").is_null());

  // summary.csv: tidy long form; header, 2 metrics x 2 splits per point + objective rows.
  const std::string summary = test::read_text(out + "/summary.csv");
  CHECK(summary.rfind("solver_id,solver,rank,lambda,p,seed,split,metric,value,se,n_users\n", 0) == 0);
  CHECK(summary.find("\na,shrink,4,30,0.5,5,validation,ndcg@10,") != std::string::npos);
  CHECK(summary.find("\npop,popularity,,,,,test,recall@5,") != std::string::npos);
  std::size_t rows = 0;
  for (char c : summary) rows += c == '\n';
  CHECK(rows == 1 + 29 * 4 + 28);  // popularity reports no objective

  // selection.json: per solver and per rank, the best validation ndcg@10 among (lambda, p).
  const json selection = json::parse(test::read_text(out + "/selection.json"));
  const json& a = selection.at("solvers")[0];
  REQUIRE(a.at("groups").size() == 4);
  for (const auto& group : a.at("groups")) {
    CHECK(group.at("points") == 6);
    const double chosen = group.at("selected").at("validation_score").get<double>();
    // No point of that rank has a better validation score.
    const json rank = group.at("per").at("rank");
    for (const auto& e : fs::directory_iterator(out + "/points/a")) {
      if (e.path().extension() != ".json") continue;
      const json p = json::parse(test::read_text(e.path().string()));
      if (p.at("params").at("rank") == rank)
        CHECK(p.at("validation").at("metrics").at("ndcg@10").at("mean").get<double>() <= chosen);
    }
  }
  CHECK(selection.at("solvers")[2].at("groups")[0].at("per") == json::object());
  // Comparisons: a vs b at ranks 2 and 8, a vs pop at 4 ranks, b vs pop at 2 ranks; 2 metrics each.
  CHECK(selection.at("comparisons").size() == (2 + 4 + 2) * 2);
  for (const auto& c : selection.at("comparisons")) {
    if (c.at("t_pvalue").is_number()) {
      CHECK(c.at("t_pvalue").get<double>() >= 0);
      CHECK(c.at("t_pvalue").get<double>() <= 1);
    }
    CHECK(c.at("n_users") == 40);
  }
  // Per-user test vectors of the selected points.
  CHECK(count_files(out + "/per_user/a", ".csv") == 4);
  const std::string per_user = test::read_text(out + "/per_user/a/rank=full.csv");
  CHECK(per_user.rfind("uid,ndcg@10,recall@5\n", 0) == 0);
}

TEST_CASE("independent rank fits give the same models as shared sweeps, each with its own inverse") {
  Fixture f;
  test::TempDir dir;
  json shared_config = sweep_config(dir.file("shared"));
  json independent_config = sweep_config(dir.file("independent"));
  independent_config["execution"] = {{"rank_fits", "independent"}};
  std::ostringstream sink;
  run_sweep(f.config(shared_config), f.data, quiet_options(sink));
  const int eigen_shared = f.counters->eigendecompositions;
  const RunReport report = run_sweep(f.config(independent_config), f.data, quiet_options(sink));
  // Every low-rank point gets its own eigendecomposition and every point with lambda its own inverse.
  CHECK(f.counters->eigendecompositions - eigen_shared == 6 * 3 + 2 * 2);
  CHECK(report.inversions == 28);
  CHECK(test::read_text(dir.file("shared/summary.csv")) == test::read_text(dir.file("independent/summary.csv")));
  const json point = json::parse(test::read_text(dir.file("independent/points/b/lambda=30,p=0.5,rank=8,seed=5.json")));
  CHECK(point.at("fit_mode") == "independent");
}

TEST_CASE("resume: a run stopped after some fits reruns only the missing points, same summary") {
  Fixture f;
  test::TempDir dir;
  std::ostringstream sink;
  const ExperimentConfig reference = f.config(sweep_config(dir.file("reference")));
  run_sweep(reference, f.data, quiet_options(sink));

  const ExperimentConfig config = f.config(sweep_config(dir.file("resumed")));
  RunOptions options = quiet_options(sink);
  options.max_fits = 7;  // stops in the middle of a rank sweep
  const RunReport first = run_sweep(config, f.data, options);
  CHECK(first.computed == 7);
  CHECK(first.not_run == 22);
  CHECK(!first.complete());
  CHECK(json::parse(test::read_text(dir.file("resumed/manifest.json"))).at("status") == "incomplete");
  CHECK(count_files(dir.file("resumed/points"), ".json") == 7);

  const int fits_before = f.counters->fits;
  const RunReport second = run_sweep(config, f.data, quiet_options(sink));
  CHECK(second.reused == 7);
  CHECK(second.computed == 22);
  CHECK(f.counters->fits - fits_before == 22);  // popularity ran first (no lambda), so all are shrink fits
  CHECK(second.complete());
  CHECK(test::read_text(dir.file("resumed/summary.csv")) == test::read_text(dir.file("reference/summary.csv")));
  CHECK(test::read_text(dir.file("resumed/comparisons.csv")) == test::read_text(dir.file("reference/comparisons.csv")));

  // A third run reuses everything; --force refits everything.
  const RunReport third = run_sweep(config, f.data, quiet_options(sink));
  CHECK(third.reused == 29);
  CHECK(third.computed == 0);
  RunOptions force = quiet_options(sink);
  force.force = true;
  const RunReport forced = run_sweep(config, f.data, force);
  CHECK(forced.computed == 29);
  CHECK(forced.reused == 0);
  CHECK(test::read_text(dir.file("resumed/summary.csv")) == test::read_text(dir.file("reference/summary.csv")));
}

TEST_CASE("resume checks keys: another metric list or dtype refits, unrelated changes do not") {
  Fixture f;
  test::TempDir dir;
  std::ostringstream sink;
  json j = sweep_config(dir.file("out"));
  run_sweep(f.config(j), f.data, quiet_options(sink));
  // Plots, selection and names do not enter the key.
  j["selection"]["per"] = json::array();
  j["name"] = "renamed";
  CHECK(run_sweep(f.config(j), f.data, quiet_options(sink)).reused == 29);
  // Another metric list changes every point's key.
  j["evaluation"]["metrics"] = {"ndcg@10", "recall@5", "recall@10"};
  j["selection"]["metric"] = "ndcg@10";
  const RunReport metrics_changed = run_sweep(f.config(j), f.data, quiet_options(sink));
  CHECK(metrics_changed.reused == 0);
  CHECK(metrics_changed.computed == 29);
  // Another dtype for one entry refits that entry only.
  j["solvers"][1]["dtype"] = "float32";
  const RunReport dtype_changed = run_sweep(f.config(j), f.data, quiet_options(sink));
  CHECK(dtype_changed.computed == 4);
  // Another split: everything refits.
  ExperimentData other = f.data;
  other.split = test::small_split(99);
  other.digest = split_digest(other.split);
  CHECK(run_sweep(f.config(j), other, quiet_options(sink)).computed == 29);
}

TEST_CASE("damaged results: partial temporary files are removed, unreadable point files refitted") {
  Fixture f;
  test::TempDir dir;
  std::ostringstream sink;
  const ExperimentConfig config = f.config(sweep_config(dir.file("out")));
  run_sweep(config, f.data, quiet_options(sink));
  const std::string points = dir.file("out/points/a");
  test::write_text(points + "/.lambda=1,p=0,rank=2,seed=5.json.tmp-123-4", "{\"format\": \"aelab-po");
  // A truncated point file (what a non-atomic writer would leave) and a corrupted sidecar.
  const std::string victim = points + "/lambda=1,p=0,rank=4,seed=5.json";
  const std::string text = test::read_text(victim);
  test::write_text(victim, text.substr(0, text.size() / 2));
  test::write_text(points + "/lambda=30,p=0,rank=2,seed=5.users.bin", "AELABPU1garbage");
  const RunReport report = run_sweep(config, f.data, quiet_options(sink));
  CHECK(report.computed == 2);
  CHECK(report.reused == 27);
  CHECK(!fs::exists(points + "/.lambda=1,p=0,rank=2,seed=5.json.tmp-123-4"));
  CHECK(json::parse(test::read_text(victim)).at("validation").at("metrics") == json::parse(text).at("validation").at("metrics"));
  const std::string log = test::read_text(dir.file("out/run.log"));
  CHECK(log.find("refitting a lambda=1,p=0,rank=4,seed=5: the stored point is unreadable") != std::string::npos);
  CHECK(log.find("its per-user file does not match the recorded digest") != std::string::npos);
  CHECK(log.find("removed 1 partial file(s)") != std::string::npos);
}

TEST_CASE("kill -9 in the middle of a sweep leaves only complete point files; the rerun completes it") {
  Fixture f;
  test::TempDir dir;
  json j = sweep_config(dir.file("out"));
  j["solvers"] = json::array({{{"id", "slow"}, {"solver", "flaky"}, {"fixed", {{"delay_ms", 25}}},
                               {"grid", {{"lambda", {{"logspace", {-2, 2, 40}}}}}}}});
  j["selection"]["per"] = json::array();
  const ExperimentConfig config = f.config(j);
  std::ostringstream sink;
  run_sweep(f.config([&] {
              json r = j;
              r["output"]["dir"] = dir.file("reference");
              return r;
            }()),
            f.data, quiet_options(sink));

  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      std::ostringstream child_sink;
      run_sweep(config, f.data, quiet_options(child_sink));
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  // Kill it once some points exist, at an arbitrary moment of its work.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_files(dir.file("out/points"), ".json") < 12 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::size_t done = count_files(dir.file("out/points"), ".json");
  CHECK(done >= 12);
  if (WIFSIGNALED(status)) CHECK(done < 40);
  else MESSAGE("the child finished before it could be killed (a very busy machine); the rest still applies");
  // Every point file present is complete and loads with its per-user vectors.
  const PointStore store(dir.file("out"));
  std::size_t loadable = 0;
  for (std::size_t i = 0; i < config.solvers[0].points.size(); ++i) {
    const ParamSet& params = config.solvers[0].points[i];
    if (!fs::exists(store.json_path("slow", params))) continue;
    std::string why;
    const std::string key = point_key(f.data.digest, "flaky", params, Dtype::float64, "single", config.evaluation.metric_names());
    CHECK_MESSAGE(store.load("slow", params, key, why).has_value(), why);
    ++loadable;
  }
  CHECK(loadable == done);
  const RunReport rerun = run_sweep(config, f.data, quiet_options(sink));
  CHECK(rerun.reused == done);
  CHECK(rerun.computed == 40 - done);
  CHECK(test::read_text(dir.file("out/summary.csv")) == test::read_text(dir.file("reference/summary.csv")));
}

TEST_CASE("a failing fit is reported and the sweep goes on; on_error = stop stops; the rerun retries") {
  Fixture f;
  test::TempDir dir;
  json j = sweep_config(dir.file("out"));
  j["solvers"] = json::array({{{"id", "f"}, {"solver", "flaky"}, {"grid", {{"lambda", {1, 2, 3}}, {"fail", {false, true}}}}},
                              {{"id", "pop"}, {"solver", "popularity"}}});
  j["selection"]["per"] = json::array();
  std::ostringstream sink;
  const RunReport report = run_sweep(f.config(j), f.data, quiet_options(sink));
  CHECK(report.failed == 3);
  CHECK(report.computed == 4);
  const json failures = json::parse(test::read_text(dir.file("out/failures.json")));
  REQUIRE(failures.size() == 3);
  CHECK(failures[0].at("error").get<std::string>().rfind("flaky: deliberate failure at lambda=1", 0) == 0);
  CHECK(json::parse(test::read_text(dir.file("out/manifest.json"))).at("status") == "failed");
  // Selection ignores the failed points.
  const json selection = json::parse(test::read_text(dir.file("out/selection.json")));
  CHECK(selection.at("solvers")[0].at("groups")[0].at("candidates") == 3);
  // The rerun retries exactly the failed points (they fail again here).
  const RunReport again = run_sweep(f.config(j), f.data, quiet_options(sink));
  CHECK(again.reused == 4);
  CHECK(again.failed == 3);
  // on_error = stop: nothing after the first failure runs.
  j["execution"] = {{"on_error", "stop"}};
  j["output"]["dir"] = dir.file("stop");
  const RunReport stopped = run_sweep(f.config(j), f.data, quiet_options(sink));
  CHECK(stopped.failed == 1);
  CHECK(stopped.not_run > 0);
}

TEST_CASE("a rank that fails inside a sweep costs only itself: the other ranks are fitted one at a time") {
  Fixture f;
  test::TempDir dir;
  json j = sweep_config(dir.file("out"));
  j["solvers"] = json::array({{{"id", "b"}, {"solver", "brittle"}, {"fixed", {{"fail_at_rank", 4}}},
                               {"grid", {{"lambda", {1, 30}}, {"rank", {2, 4, 8, "full"}}}}}});
  std::ostringstream sink;
  const RunReport report = run_sweep(f.config(j), f.data, quiet_options(sink));
  CHECK(report.failed == 2);  // rank 4 at both lambdas
  CHECK(report.computed == 6);
  const json failures = json::parse(test::read_text(dir.file("out/failures.json")));
  REQUIRE(failures.size() == 2);
  CHECK(failures[0].at("params").at("rank") == 4);
  CHECK(failures[0].at("error") == "brittle: diverged at rank 4");
  CHECK(test::read_text(dir.file("out/run.log")).find("fitting the remaining ranks one at a time") != std::string::npos);
  const json selection = json::parse(test::read_text(dir.file("out/selection.json")));
  CHECK(selection.at("solvers")[0].at("groups")[1].at("per") == json{{"rank", 4}});
  CHECK(selection.at("solvers")[0].at("groups")[1].at("selected").is_null());
}

TEST_CASE("dry run: the plan, the number of fits and the memory estimate, nothing written") {
  Fixture f;
  test::TempDir dir;
  std::ostringstream out;
  RunOptions options;
  options.dry_run = true;
  options.out = &out;
  options.log = &out;
  const RunReport report = run_sweep(f.config(sweep_config(dir.file("out"))), f.data, options);
  CHECK(report.not_run == 29);
  CHECK(!fs::exists(dir.file("out")));
  const std::string plan = out.str();
  CHECK(plan.find("a (shrink, float64): 24 points, 24 to fit") != std::string::npos);
  CHECK(plan.find("  grid lambda: 1 30 1000") != std::string::npos);
  CHECK(plan.find("  grid rank: 2 4 8 full") != std::string::npos);
  CHECK(plan.find("fits: 29 of 29 points in 9 solver calls (8 rank sweeps); at most 6 distinct (dtype, lambda, p) inverses") !=
        std::string::npos);
  CHECK(plan.find("estimated peak memory: ") != std::string::npos);
  // The estimate includes the largest fit (shrink: 4 n^2 doubles).
  CHECK(plan.find("largest fit 50.00 KiB") != std::string::npos);
}

TEST_CASE("plots: gnuplot scripts with the full rank placed right of the largest rank; images when gnuplot exists") {
  Fixture f;
  test::TempDir dir;
  json j = sweep_config(dir.file("out"));
  j["output"]["plots"] = {"metric_vs_rank", "time_vs_rank", "selected_params_vs_rank"};
  std::ostringstream sink;
  run_sweep(f.config(j), f.data, quiet_options(sink));
  const PlotReport report = write_plots(dir.file("out"), plot_kinds());
  const std::string plots = dir.file("out/plots");
  for (const char* stem : {"test_ndcg10_vs_rank", "test_recall5_vs_rank", "fit_time_vs_rank", "selected_lambda_vs_rank",
                           "selected_p_vs_rank"}) {
    CHECK_MESSAGE(fs::exists(plots + "/" + stem + ".gp"), stem);
    CHECK_MESSAGE(fs::exists(plots + "/" + stem + ".dat"), stem);
  }
  const std::string script = test::read_text(plots + "/test_ndcg10_vs_rank.gp");
  CHECK(script.find("set xtics (\"2\" 2, \"4\" 4, \"8\" 8, \"full\" 16)") != std::string::npos);
  CHECK(script.find("set logscale x") != std::string::npos);
  CHECK(script.find("with yerrorlines") != std::string::npos);
  CHECK(script.find("\"pop\"") != std::string::npos);  // popularity as a horizontal line
  const std::string data = test::read_text(plots + "/test_ndcg10_vs_rank.dat");
  CHECK(data.find("\n16 ") != std::string::npos);  // the full-rank point at x = 2 * 8
  if (find_gnuplot().empty()) {
    MESSAGE("gnuplot is not installed: scripts only");
    CHECK(!report.rendered);
  } else {
    CHECK(report.rendered);
    CHECK(report.images.size() == 2 * report.scripts.size());
    CHECK(fs::file_size(plots + "/test_ndcg10_vs_rank.png") > 1000);
    CHECK(test::read_text(plots + "/test_ndcg10_vs_rank.svg").find("<svg") != std::string::npos);
  }
}

TEST_CASE("plot --combine: one panel per results folder, each titled with its data set, one colour per entry") {
  Fixture f;
  f.data.provenance["sizes"] = {{"items", f.data.split.n_items()}};  // as load_experiment_data records them
  test::TempDir dir;
  std::ostringstream sink;
  json first = sweep_config(dir.file("first"));
  json second = sweep_config(dir.file("second"));
  second["name"] = "runner-test-2";
  // Without entry a, b would take the first palette colour in a figure of its own folder; pop is
  // listed before b here, after it in the first folder.
  second["solvers"] = json::array({second["solvers"][2], second["solvers"][1]});
  run_sweep(f.config(first), f.data, quiet_options(sink));
  run_sweep(f.config(second), f.data, quiet_options(sink));
  const PlotReport report = write_combined_figure({dir.file("first"), dir.file("second")}, std::nullopt, dir.file("fig/f1.svg"));
  const std::string script = test::read_text(dir.file("fig/f1.gp"));
  CHECK(script.find("set multiplot layout 1,2") != std::string::npos);
  CHECK(script.find("set title \"runner-test (40 items)\"") != std::string::npos);
  CHECK(script.find("set title \"runner-test-2 (40 items)\"") != std::string::npos);
  CHECK(script.find("set ylabel \"test nDCG@10\"") != std::string::npos);
  // Entry b has one colour in both panels although the folders list their entries in other orders.
  const auto color_of = [&](const std::string& panel_data) {
    const std::size_t plot = script.find("\"" + panel_data + "\" index");
    REQUIRE(plot != std::string::npos);
    const std::size_t b = script.find("title \"b\"", plot);
    const std::size_t rgb = script.rfind("linecolor rgb \"", b);
    return script.substr(rgb, 24);
  };
  CHECK(color_of("f1.panel1.dat") == color_of("f1.panel2.dat"));
  // Both legends list b before pop, the order of the entries' first appearance across the folders.
  const auto b_before_pop = [&](const std::string& panel_data) {
    const std::size_t plot = script.find("\"" + panel_data + "\" index");
    return script.find("title \"b\"", plot) < script.find("title \"pop\"", plot);
  };
  CHECK(b_before_pop("f1.panel1.dat"));
  CHECK(b_before_pop("f1.panel2.dat"));
  CHECK(test::read_text(dir.file("fig/f1.panel2.dat")).find("# b\n") != std::string::npos);
  if (!find_gnuplot().empty()) {
    CHECK(report.rendered);
    CHECK(fs::file_size(dir.file("fig/f1.png")) > 1000);
  }
  CHECK_THROWS_WITH_AS(write_combined_figure({dir.file("first")}, std::string("recall@50"), dir.file("fig/x.svg")),
                       (dir.file("first") + ": its runs did not evaluate recall@50 (see its manifest's evaluation.metrics)").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(write_combined_figure({dir.file("first")}, std::nullopt, dir.file("fig/x.pdf")),
                       ("--out: expected a file name ending in .svg or .png, got \"" + dir.file("fig/x.pdf") + "\"").c_str(), Error);
  CHECK_THROWS_AS(write_combined_figure({dir.path()}, std::nullopt, dir.file("fig/x.svg")), Error);  // not a results folder
}

TEST_CASE("a second process cannot write into a results folder in use") {
  test::TempDir dir;
  RunLock lock(dir.path());
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      RunLock second(dir.path());
      ::_exit(0);
    } catch (const Error&) {
      ::_exit(7);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WEXITSTATUS(status) == 7);
}
