// `aelab eval --backend scalapack` under mpirun against `aelab eval` on one process, the refusals of
// the backend (printed once), and single-process commands refusing P launched copies. Built only with
// AELAB_DISTRIBUTED (tests/CMakeLists.txt); this binary itself is not an MPI program, it starts mpirun.
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "tests/mpi_launch.hpp"
#include "tests/test_support.hpp"

using aelab::test::error_lines;
using aelab::test::run_aelab;
using aelab::test::run_mpi;
using aelab::test::TempDir;

namespace {

std::string make_split(const TempDir& dir) {
  const auto synth = run_aelab({"synth", "--out", dir.file("ratings.csv"), "--users", "500", "--items", "150",
                                "--mean-items", "25", "--seed", "3"});
  REQUIRE_MESSAGE(synth.exit_code == 0, synth.err);
  const auto split = run_aelab({"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--threshold",
                                "3.5", "--heldout", "40", "--out", dir.file("split")});
  REQUIRE_MESSAGE(split.exit_code == 0, split.err);
  return dir.file("split");
}

}  // namespace

TEST_CASE("aelab eval --backend scalapack at 2 and 3 processes prints the single-process metrics and objective") {
  TempDir dir;
  const std::string split = make_split(dir);
  for (const char* spec : {"closed_form_approx:rank=20", "unconstrained:rank=20", "closed_form_approx:rank=full",
                           "unconstrained:rank=full", "zero_diagonal:rank=full,p=0"}) {
    CAPTURE(spec);
    const std::string text = spec;
    const std::string solver = text.substr(0, text.find(':'));
    std::vector<std::string> args = {"eval", "--data", split, "--solver", solver, "--on", "test", "--json", "--quiet",
                                     "--set", "lambda=20"};
    std::string settings = text.substr(text.find(':') + 1);
    for (std::size_t at = 0; at != std::string::npos;) {
      const std::size_t comma = settings.find(',', at);
      args.push_back("--set");
      args.push_back(settings.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
      at = comma == std::string::npos ? comma : comma + 1;
    }
    const auto local = run_aelab(args);
    REQUIRE_MESSAGE(local.exit_code == 0, local.err);
    const auto expected = nlohmann::json::parse(local.out);
    args.insert(args.end(), {"--backend", "scalapack", "--block", "8"});
    for (int processes : {2, 3}) {
      CAPTURE(processes);
      const auto dist = run_mpi(processes, args);
      REQUIRE_MESSAGE(dist.exit_code == 0, dist.err);
      // Rank 0 alone prints: exactly one JSON object.
      const auto got = nlohmann::json::parse(dist.out);
      CHECK(got["n_users"] == expected["n_users"]);
      for (const auto& [metric, value] : expected["metrics"].items())
        CHECK(std::abs(got["metrics"][metric]["mean"].get<double>() - value["mean"].get<double>()) < 1e-9);
      const double objective = expected["objective"].get<double>();
      CHECK(std::abs(got["objective"].get<double>() - objective) < 1e-8 * std::abs(objective));
      CHECK(got["report"].dump().find("scalapack") != std::string::npos);
    }
  }
}

TEST_CASE("aelab eval --backend scalapack --dtype float32 agrees with the single-process float32 run to 1e-3") {
  TempDir dir;
  const std::string split = make_split(dir);
  for (const char* rank : {"rank=20", "rank=full"}) {
    CAPTURE(rank);
    std::vector<std::string> args = {"eval", "--data", split, "--solver", "closed_form_approx", "--on", "test", "--json",
                                     "--quiet", "--set", "lambda=20", "--set", rank, "--dtype", "float32"};
    const auto local = run_aelab(args);
    REQUIRE_MESSAGE(local.exit_code == 0, local.err);
    args.insert(args.end(), {"--backend", "scalapack", "--block", "8"});
    const auto dist = run_mpi(2, args);
    REQUIRE_MESSAGE(dist.exit_code == 0, dist.err);
    const auto expected = nlohmann::json::parse(local.out), got = nlohmann::json::parse(dist.out);
    CHECK(got["dtype"] == "float32");
    for (const auto& [metric, value] : expected["metrics"].items())
      CHECK(std::abs(got["metrics"][metric]["mean"].get<double>() - value["mean"].get<double>()) < 1e-3);
  }
}

TEST_CASE("the scalapack backend refuses what it cannot compute, with one line from one process") {
  TempDir dir;
  const std::string split = make_split(dir);
  const std::vector<std::string> base = {"eval", "--data", split, "--quiet", "--backend", "scalapack"};
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--solver", "admm", "--set", "rank=10"}, "solver admm cannot run on the scalapack backend: it has no closed form"},
      {{"--solver", "mlp"}, "solver mlp cannot run on the scalapack backend"},
      {{"--solver", "zero_diagonal", "--set", "rank=10"}, "its rank 10 model is iterative"},
      {{"--solver", "closed_form_approx", "--set", "rank=100000"}, "exceeds the number of items"},
  };
  for (const auto& [extra, message] : cases) {
    CAPTURE(message);
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_mpi(2, args);
    CHECK(r.exit_code != 0);
    const auto lines = error_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(message) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("single-process commands refuse to run as P launched copies") {
  TempDir dir;
  const std::string split = make_split(dir);
  const auto eval = run_mpi(2, {"eval", "--data", split, "--solver", "closed_form_approx", "--quiet"});
  CHECK(eval.exit_code != 0);
  CHECK(eval.err.find("aelab: error: aelab eval --backend local runs on one process, but the launcher started 2") !=
        std::string::npos);
  const auto solvers = run_mpi(2, {"solvers"});
  CHECK(solvers.exit_code != 0);
  CHECK(solvers.err.find("aelab solvers runs on one process") != std::string::npos);
  // The same command without a launcher runs.
  CHECK(run_aelab({"eval", "--data", split, "--solver", "closed_form_approx", "--set", "rank=5", "--quiet"}).exit_code == 0);
}

namespace {

// "ndcg@100 0.123456" after `stage` in the bench's output.
std::string bench_ndcg(const std::string& out, const std::string& stage) {
  const std::size_t line = out.find(stage);
  REQUIRE_MESSAGE(line != std::string::npos, out);
  const std::size_t at = out.find("ndcg@100 ", line);
  REQUIRE(at != std::string::npos);
  return out.substr(at, out.find_first_of(";\n", at) - at);
}

}  // namespace

TEST_CASE("aelab bench distributed at 2 processes and --local on one give the same models' metrics") {
  const std::vector<std::string> size = {"bench", "distributed", "--items", "400", "--users", "900",
                                         "--per-user", "20", "--heldout", "60", "--rank", "10", "--block", "16"};
  const auto distributed = run_mpi(2, size);
  REQUIRE_MESSAGE(distributed.exit_code == 0, distributed.err);
  CHECK(distributed.out.find("processes 2 (grid 1 x 2), block 16") != std::string::npos);
  CHECK(distributed.out.find("block, ") != std::string::npos);  // the block eigensolver ran
  std::vector<std::string> local_args = size;
  local_args.push_back("--local");
  const auto local = run_aelab(local_args);
  REQUIRE_MESSAGE(local.exit_code == 0, local.err);
  CHECK(local.out.find("backend local") != std::string::npos);
  CHECK(bench_ndcg(distributed.out, "evaluate B^") == bench_ndcg(local.out, "evaluate B^"));
  CHECK(bench_ndcg(distributed.out, "evaluate rank-k") == bench_ndcg(local.out, "evaluate rank-k"));
  const auto refused = run_mpi(2, local_args);
  CHECK(refused.exit_code == 1);
  REQUIRE(error_lines(refused.err).size() == 1);
  CHECK(error_lines(refused.err)[0].find("--local runs on one process") != std::string::npos);
}
