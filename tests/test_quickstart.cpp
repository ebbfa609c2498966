// End to end through the aelab binary: the quickstart config (what the README's main command runs)
// produces the manifest, point files, summary, selection and, with gnuplot, the plots; a second run
// resumes; `aelab run` killed with SIGKILL mid-sweep leaves only complete points, and the rerun yields
// the summary of an uninterrupted run; dry runs and config errors behave on the command line.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "experiments/common/gnuplot.hpp"
#include "experiments/sweep/plots.hpp"
#include "tests/test_support.hpp"

using nlohmann::json;
namespace fs = std::filesystem;
using aelab::test::read_text;
using aelab::test::run_aelab;

namespace {

std::size_t count_point_files(const std::string& dir) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name[0] != '.' && e.path().extension() == ".json") ++n;
  }
  return n;
}

// The quickstart, shrunk for the kill test: fewer users, one p, two lambdas, three ranks.
std::vector<std::string> small_quickstart(const std::string& out) {
  std::vector<std::string> args = {"run", aelab::test::source_path("configs/quickstart.json"), "--out", out, "--no-plots",
                                   "--set", "data.synthetic.users=2500", "--set", "data.heldout_users=200"};
  for (int s = 0; s < 4; ++s) {
    const std::string grid = "solvers." + std::to_string(s) + ".grid.";
    for (const std::string& value : {grid + "p=[0.33]", grid + "lambda=[30,3000]", grid + "rank=[10,50,\"full\"]"}) {
      args.push_back("--set");
      args.push_back(value);
    }
  }
  return args;
}

}  // namespace

TEST_CASE("quickstart end to end: manifest, points, summary, selection, plots; a rerun reuses every point") {
  aelab::test::TempDir dir;
  const std::string out = dir.file("quickstart");
  const auto first = run_aelab({"run", aelab::test::source_path("configs/quickstart.json"), "--out", out});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("points: 145 (145 fitted now, 0 stored, 0 failed, 0 not run)") != std::string::npos);
  const json manifest = json::parse(read_text(out + "/manifest.json"));
  CHECK(manifest.at("status") == "complete");
  CHECK(manifest.at("config").at("name") == "quickstart");
  CHECK(manifest.at("data").at("source") == "synthetic");
  CHECK(manifest.at("software").at("blas").get<std::string>().find("OpenBLAS") != std::string::npos);
  CHECK(count_point_files(out + "/points") == 145);
  const std::string summary = read_text(out + "/summary.csv");
  CHECK(summary.rfind("solver_id,solver,rank,lambda,p,eigen,eigen_tolerance,epochs,keep_best,omega,seed,split,metric,value,"
                      "se,n_users\n", 0) == 0);
  const json selection = json::parse(read_text(out + "/selection.json"));
  REQUIRE(selection.at("solvers").size() == 5);
  CHECK(selection.at("solvers")[0].at("groups").size() == 6);
  // Every model beats popularity on this data (selected points, test nDCG@100).
  const double popularity = selection.at("solvers")[4].at("groups")[0].at("selected").at("test").at("ndcg@100").at("mean");
  for (std::size_t s = 0; s < 4; ++s)
    for (const auto& group : selection.at("solvers")[s].at("groups"))
      CHECK(group.at("selected").at("test").at("ndcg@100").at("mean").get<double>() > popularity);
  if (aelab::find_gnuplot().empty()) {
    MESSAGE("gnuplot is not installed: only the scripts are checked");
  } else {
    for (const char* image : {"test_ndcg100_vs_rank.png", "test_ndcg100_vs_rank.svg", "fit_time_vs_rank.png",
                              "selected_lambda_vs_rank.png"})
      CHECK_MESSAGE(fs::exists(out + "/plots/" + image), image);
  }
  CHECK(fs::exists(out + "/plots/test_ndcg100_vs_rank.gp"));

  const auto second = run_aelab({"run", aelab::test::source_path("configs/quickstart.json"), "--out", out, "--quiet"});
  CHECK(second.exit_code == 0);
  CHECK(second.out.empty());
  CHECK(json::parse(read_text(out + "/manifest.json")).at("points").at("reused") == 145);
  CHECK(read_text(out + "/summary.csv") == summary);

  const auto plot = run_aelab({"plot", out});
  CHECK(plot.exit_code == 0);
  CHECK(plot.out.find("script: ") != std::string::npos);
}

TEST_CASE("aelab run killed with SIGKILL mid-sweep: the rerun completes it with the uninterrupted summary") {
  aelab::test::TempDir dir;
  const auto reference = run_aelab(small_quickstart(dir.file("reference")));
  INFO(reference.err);
  REQUIRE(reference.exit_code == 0);
  const std::size_t total = count_point_files(dir.file("reference/points"));
  CHECK(total == 25);

  const std::string out = dir.file("killed");
  std::vector<std::string> args = small_quickstart(out);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<std::string> storage{AELAB_BINARY_PATH};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr)) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_point_files(out + "/points") < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::size_t done = count_point_files(out + "/points");
  CHECK(done >= 4);
  if (WIFSIGNALED(status)) {
    // Every point file left behind is complete JSON.
    for (const auto& e : fs::recursive_directory_iterator(out + "/points"))
      if (e.path().extension() == ".json" && e.path().filename().string()[0] != '.')
        CHECK_NOTHROW(json::parse(read_text(e.path().string())));
  } else {
    MESSAGE("the run finished before it could be killed");
  }
  const auto rerun = run_aelab(small_quickstart(out));
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);
  CHECK(json::parse(read_text(out + "/manifest.json")).at("points").at("reused").get<std::size_t>() >= done - 1);
  CHECK(read_text(out + "/summary.csv") == read_text(dir.file("reference/summary.csv")));
}

TEST_CASE("aelab run on the command line: dry run, config errors, overrides") {
  aelab::test::TempDir dir;
  const auto dry = run_aelab({"run", aelab::test::source_path("configs/quickstart.json"), "--out", dir.file("q"), "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("fits: 145 of 145 points in 25 solver calls (24 rank sweeps); at most 6 distinct (dtype, lambda, p) "
                     "inverses") != std::string::npos);
  CHECK(dry.out.find("estimated peak memory: ") != std::string::npos);
  CHECK(!fs::exists(dir.file("q")));

  aelab::test::write_text(dir.file("bad.json"), "{\"schema_version\": 1, \"name\": \"x\",\n \"data\": {\"synthetic\": {}, "
                                                "\"heldout_users\": 10},\n \"solvers\": [{\"solver\": \"popularity\", "
                                                "\"grid\": {\"rank\": [1]}}]}\n");
  const auto bad = run_aelab({"run", dir.file("bad.json")});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "aelab: error: solvers[0].grid.rank: unknown parameter of solver 'popularity' (known: none)\n");

  aelab::test::write_text(dir.file("syntax.json"), "{\n  \"name\": \"x\"\n  \"seed\": 1\n}\n");
  const auto syntax = run_aelab({"run", dir.file("syntax.json")});
  CHECK(syntax.exit_code == 1);
  CHECK(syntax.err == "aelab: error: " + dir.file("syntax.json") + ":3:8: invalid JSON: syntax error while parsing object - unexpected string literal; expected '}'\n");

  const auto missing = run_aelab({"run", aelab::test::source_path("configs/quickstart.json"), "--set", "data.heldout_users=0"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "aelab: error: data.heldout_users: expected an integer >= 1, got 0\n");

  const auto absent = run_aelab({"plot", dir.file("nothing")});
  CHECK(absent.exit_code == 1);
  CHECK(absent.err == "aelab: error: aelab plot: RESULTS_DIR expects an existing folder, got \"" + dir.file("nothing") + "\"\n");
  fs::create_directory(dir.file("empty"));
  const auto no_results = run_aelab({"plot", dir.file("empty")});
  CHECK(no_results.exit_code == 1);
  CHECK(no_results.err.find("manifest.json: missing") != std::string::npos);
  const auto absent_config = run_aelab({"run", dir.file("absent.json")});
  CHECK(absent_config.exit_code == 1);
  CHECK(absent_config.err == "aelab: error: aelab run: CONFIG expects an existing file, got \"" + dir.file("absent.json") + "\"\n");
  const auto two_configs = run_aelab({"run", dir.file("bad.json"), dir.file("syntax.json")});
  CHECK(two_configs.exit_code == 1);
  CHECK(two_configs.err == "aelab: error: aelab run: unexpected argument \"" + dir.file("syntax.json") + "\" (see aelab run --help)\n");
  const auto bad_max_fits = run_aelab({"run", dir.file("bad.json"), "--max-fits", "0"});
  CHECK(bad_max_fits.err == "aelab: error: aelab run: --max-fits expects a positive integer, got \"0\"\n");
}
