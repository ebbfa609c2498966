// The benchmark suites of `aelab bench` run through the built binary at smoke-test sizes (the figures
// themselves are docs/BENCHMARKS.md's business, not a test's), with --help, and their option errors as
// one line "aelab: error: aelab bench SUITE: ..." with exit status 1.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/test_support.hpp"

using aelab::test::run_aelab;

namespace {

// Exit status 1 and exactly the line "aelab: error: " + message.
void expect_error(const std::vector<std::string>& args, const std::string& message) {
  const auto r = run_aelab(args);
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  INFO("aelab " << joined);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "aelab: error: " + message + "\n");
}

}  // namespace

TEST_CASE("aelab bench: the suite list, every suite's --help, an unknown suite") {
  const auto list = run_aelab({"bench"});
  CHECK(list.exit_code == 2);  // a usage error: no suite named
  for (const char* suite : {"data", "closed-form", "admm", "exact", "sweep", "eval", "mlp", "all"})
    CHECK(list.out.find(std::string("  ") + suite + " - ") != std::string::npos);
  CHECK(run_aelab({"bench", "--help"}).exit_code == 0);
  for (const char* suite : {"data", "closed-form", "admm", "exact", "sweep", "eval", "mlp"}) {
    const auto r = run_aelab({"bench", suite, "--help"});
    INFO("aelab bench " << suite << " --help");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(std::string("usage: aelab bench ") + suite + " [options]") != std::string::npos);
    CHECK(r.err.empty());
  }
  expect_error({"bench", "nope"}, "aelab bench: unknown suite 'nope' (see aelab bench --help)");
  expect_error({"bench", "eval", "--item", "300"}, "aelab bench eval: unknown option --item (see aelab bench eval --help)");
}

TEST_CASE("aelab bench data runs at a smoke-test size") {
  aelab::test::TempDir dir;
  const auto bench = run_aelab({"bench", "data", "--rows", "5000", "--dir", dir.file("bench")});
  REQUIRE_MESSAGE(bench.exit_code == 0, bench.err);
  CHECK(bench.out.find("parse: ") != std::string::npos);  // about 5000 rows (activity is rounded stochastically)
  CHECK(bench.out.find("split: ") != std::string::npos);
  CHECK(bench.out.find("parse+split: ") != std::string::npos);
  expect_error({"bench", "data", "--rows", "999"}, "aelab bench data: --rows expects an integer >= 1000, got \"999\"");
  expect_error({"bench", "data", "--file", dir.file("absent.csv")},
               "aelab bench data: --file expects an existing file, got \"" + dir.file("absent.csv") + "\"");
}

TEST_CASE("aelab bench closed-form runs at a smoke-test size and rejects bad options in one line") {
  const auto ok = run_aelab({"bench", "closed-form", "--sizes", "300", "--f32-sizes", "400", "--ranks", "5,40",
                             "--sweep", "2,5,10,20,40", "--threads", "1"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("== n = 300 items, float64") != std::string::npos);
  CHECK(ok.out.find("== n = 400 items, float32") != std::string::npos);
  CHECK(ok.out.find("SPD inverse (potrf + potri)") != std::string::npos);
  CHECK(ok.out.find("sweep of 5 ranks (2,5,10,20,40)") != std::string::npos);
  const auto none = run_aelab({"bench", "closed-form", "--sizes", "200", "--f32-sizes", "none", "--ranks", "5",
                               "--sweep", "none", "--threads", "1"});
  CAPTURE(none.err);
  REQUIRE(none.exit_code == 0);
  CHECK(none.out.find("float32") == std::string::npos);
  CHECK(none.out.find("sweep of") == std::string::npos);
  expect_error({"bench", "closed-form", "--ranks", "0"},
               "aelab bench closed-form: --ranks expects positive integers separated by commas, got \"0\"");
  expect_error({"bench", "closed-form", "--sizes", "none"},
               "aelab bench closed-form: --sizes expects positive integers separated by commas, got \"none\"");
  expect_error({"bench", "closed-form", "--threads", "0"}, "aelab bench closed-form: --threads expects a positive integer, got \"0\"");
  const auto bad_eigen = run_aelab({"bench", "closed-form", "--eigen", "qr"});
  CHECK(bad_eigen.exit_code == 1);
  CHECK(bad_eigen.err.find("eigen: expected one of") != std::string::npos);
}

TEST_CASE("aelab bench admm runs at a smoke-test size and rejects bad options in one line") {
  const auto ok = run_aelab({"bench", "admm", "--items", "60", "--users", "300", "--ranks", "2,6", "--epochs", "3"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("rank |") != std::string::npos);
  CHECK(ok.out.find("\n     2 |") != std::string::npos);
  CHECK(ok.out.find("\n     6 |") != std::string::npos);
  const auto bad = run_aelab({"bench", "admm", "--items", "60", "--ranks", "0"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "aelab: error: aelab bench admm: --ranks expects positive integers separated by commas, got \"0\"\n");
  const auto too_big = run_aelab({"bench", "admm", "--items", "60", "--ranks", "61"});
  CHECK(too_big.exit_code == 1);
  CHECK(too_big.err.find("exceeds --items 60") != std::string::npos);
  expect_error({"bench", "admm", "--items", "9"}, "aelab bench admm: --items expects an integer >= 10, got \"9\"");
  expect_error({"bench", "admm", "--dtype", "float16"}, "aelab bench admm: --dtype expects float64 or float32, got \"float16\"");
}

TEST_CASE("aelab bench exact runs at a smoke-test size") {
  const auto ok = run_aelab({"bench", "exact", "--items", "60", "--ranks", "2,3", "--latent-dim", "8", "--starts", "random"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("SPD inverse of G + Lambda") != std::string::npos);
  CHECK(ok.out.find("     2  random") != std::string::npos);
  CHECK(ok.out.find("     3  random") != std::string::npos);
  expect_error({"bench", "exact", "--items", "49"}, "aelab bench exact: --items expects an integer >= 50, got \"49\"");
  expect_error({"bench", "exact", "--lambda", "1e400"}, "aelab bench exact: --lambda expects a number, got \"1e400\"");
}

TEST_CASE("aelab bench sweep runs at a smoke-test size") {
  const auto ok = run_aelab({"bench", "sweep", "--items", "200", "--users", "600", "--ranks", "5,full", "--lambdas",
                             "10", "--ps", "0.25", "--threads", "1"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("sweep: 4 points = 2 solvers x 2 ranks x 1 lambdas x 1 p") != std::string::npos);
  CHECK(ok.out.find("points fitted: 4 (0 failed)") != std::string::npos);
  expect_error({"bench", "sweep", "--users", "99"}, "aelab bench sweep: --users expects an integer >= 100, got \"99\"");
}

TEST_CASE("aelab bench eval runs at a smoke-test size and rejects bad options in one line") {
  const auto ok = run_aelab({"bench", "eval", "--items", "300", "--users", "200", "--ranks", "5,40"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("data: 200 held-out users x 300 items") != std::string::npos);
  CHECK(ok.out.find("low rank k = 40") != std::string::npos);
  CHECK(ok.out.find("dense n x n               1") != std::string::npos);
  const auto bad = run_aelab({"bench", "eval", "--ranks", "5,,6"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "aelab: error: aelab bench eval: --ranks expects positive integers separated by commas, got \"5,,6\"\n");
  const auto too_big = run_aelab({"bench", "eval", "--items", "300", "--ranks", "301"});
  CHECK(too_big.exit_code == 1);
  CHECK(too_big.err == "aelab: error: aelab bench eval: --ranks: rank 301 exceeds --items 300\n");
  expect_error({"bench", "eval", "--items", "300", "--per-user", "300"},
               "aelab bench eval: --per-user must be below --items (300)");
}

SHARED_DATA_TEST_CASE("aelab bench mlp runs at a smoke-test size on ml-latest-small") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const std::string data_dir = ratings.substr(0, ratings.size() - std::string("/ml-latest-small/ratings.csv").size());
  const auto ok = run_aelab({"bench", "mlp", "--data", "ml-latest-small", "--data-dir", data_dir, "--hidden", "20",
                             "--rank", "5", "--precision", "float32", "--epochs", "1", "--max-users", "100"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("mlp training throughput: [n-20-5-n] tanh, batch 256, 1 epoch(s)") != std::string::npos);
  CHECK(ok.out.find("ml-latest-small   float32        100") != std::string::npos);
}

TEST_CASE("aelab bench given-scale runs EASE and Algorithm 1 on the ngcf-small fixture with the library's numbers") {
  const std::string dir = aelab::test::source_path("tests/fixtures/ngcf-small/");
  const auto ok = run_aelab({"bench", "given-scale", "--train", dir + "s_adj_mat.npz", "--test", dir + "test.txt",
                                   "--ranks", "10,5", "--lambda", "10"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("data: 40 users x 60 items, 320 training interactions, 40 test users; float32, lambda 10, p 0") !=
        std::string::npos);
  // EASE at lambda 10 on this fixture: the numbers of `aelab eval --format lightgcn` (test_cli_eval).
  CHECK(ok.out.find("test metrics                                 recall_ngcf@20 0.5513 ndcg@20 0.3206 (39 users)") !=
        std::string::npos);
  CHECK(ok.out.find(" rank 5: model after ") < ok.out.find(" rank 10: model after "));  // ascending, one sweep
  CHECK(ok.out.find("n^2 x 4 bytes (target < 2.3)") != std::string::npos);
  const auto too_big = run_aelab({"bench", "given-scale", "--train", dir + "s_adj_mat.npz", "--test", dir + "test.txt",
                                        "--ranks", "61"});
  CHECK(too_big.exit_code == 1);
  CHECK(too_big.err == "aelab: error: aelab bench given-scale: --ranks: rank 61 exceeds the 60 items\n");
}
