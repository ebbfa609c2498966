// `aelab eval` takes the data sources of a config: a vae_cf split folder, a raw file split by the
// strong-generalization protocol, and a given train/test split (--format lightgcn, .txt or .npz), with
// --metrics choosing the cut-offs. Its numbers equal those of the library calls on the same data.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/data/given_split.hpp"
#include "core/eval/evaluation.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using test::run_aelab;

namespace {

std::string ngcf(const std::string& name) { return test::source_path("tests/fixtures/ngcf-small/" + name); }

nlohmann::json eval_json(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"eval", "--quiet", "--json"};
  all.insert(all.end(), args.begin(), args.end());
  const auto r = run_aelab(all);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("aelab eval --format lightgcn: trained on every training row, scored on test, as the library does") {
  const Registry registry = builtin_registry();
  const Solver& solver = registry.get("closed_form_approx");
  const ParamSet params = solver.make_params({{"rank", 5}, {"lambda", 10}, {"p", 0}});
  EvaluationOptions options;
  options.on = "test";
  options.metrics = {MetricSpec::parse("recall_ngcf@10"), MetricSpec::parse("ndcg@10")};
  const SplitData split = test_split_data(load_given_split(ngcf("train.txt"), ngcf("test.txt")));
  const SolverEvaluation expected = evaluate_solver(split, solver, params, registry, options);

  // The .txt and the .npz adjacency of the same split give the same numbers.
  for (const std::string& train : {ngcf("train.txt"), ngcf("s_adj_mat.npz")}) {
    CAPTURE(train);
    const nlohmann::json got = eval_json({"--format", "lightgcn", "--train", train, "--test", ngcf("test.txt"), "--solver",
                                          "closed_form_approx", "--set", "rank=5", "--set", "lambda=10", "--set", "p=0",
                                          "--metrics", "recall_ngcf@10,ndcg@10"});
    CHECK(got["on"] == "test");
    CHECK(got["n_users"] == expected.result.uids.size());
    REQUIRE(got["metrics"].size() == 2);
    for (const char* name : {"recall_ngcf@10", "ndcg@10"})
      CHECK(got["metrics"][name]["mean"].get<double>() == doctest::Approx(expected.result.summary(name).mean).epsilon(1e-12));
  }
  // Default metrics of this protocol, and the definitions printed with the numbers.
  const auto text = run_aelab({"eval", "--quiet", "--format", "lightgcn", "--train", ngcf("train.txt"), "--test",
                               ngcf("test.txt"), "--solver", "popularity"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("recall_ngcf@20 = |top-20 ∩ T| / |T|") != std::string::npos);
  CHECK(text.out.find("precision@20 ") != std::string::npos);
  CHECK(text.out.find("on          test: 39 users evaluated") != std::string::npos);
  // --on validation: the carve-out, fitted on fewer rows.
  const nlohmann::json validation = eval_json({"--format", "lightgcn", "--train", ngcf("train.txt"), "--test",
                                               ngcf("test.txt"), "--solver", "popularity", "--on", "validation",
                                               "--validation-share", "0.3"});
  CHECK(validation["on"] == "validation");
}

TEST_CASE("aelab eval on a raw file splits it as aelab split does") {
  test::TempDir dir;
  REQUIRE(run_aelab({"synth", "--out", dir.file("r.csv"), "--users", "300", "--items", "80", "--mean-items", "12", "--seed", "3"})
              .exit_code == 0);
  REQUIRE(run_aelab({"split", "--format", "movielens-csv", "--input", dir.file("r.csv"), "--heldout", "30", "--out",
                     dir.file("split")})
              .exit_code == 0);
  const std::vector<std::string> solver = {"--solver", "zero_diagonal", "--set", "lambda=20", "--on", "test"};
  std::vector<std::string> raw = {"--format", "movielens-csv", "--input", dir.file("r.csv"), "--heldout", "30"};
  std::vector<std::string> folder = {"--data", dir.file("split")};
  raw.insert(raw.end(), solver.begin(), solver.end());
  folder.insert(folder.end(), solver.begin(), solver.end());
  const nlohmann::json a = eval_json(raw), b = eval_json(folder);
  CHECK(a["n_users"] == 30);
  CHECK(a["metrics"] == b["metrics"]);
  CHECK(a["objective"] == b["objective"]);
}

TEST_CASE("aelab eval: a data source that is not exactly one source is a one-line error") {
  const std::string train = ngcf("train.txt"), test_file = ngcf("test.txt");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--solver", "popularity"},
       "expected exactly one data source: --data SPLIT_DIR, --format F --input PATH, or --format lightgcn --train PATH --test PATH"},
      {{"--format", "lightgcn", "--train", train, "--solver", "popularity"}, "--format lightgcn needs --train PATH and --test PATH"},
      {{"--format", "lightgcn", "--train", train, "--test", test_file, "--heldout", "3", "--solver", "popularity"},
       "--heldout is for a raw file, not --format lightgcn"},
      {{"--format", "movielens-csv", "--input", train, "--solver", "popularity"},
       "--format movielens-csv needs --heldout H (validation and test users, H each)"},
      {{"--format", "movielens-csv", "--input", train, "--heldout", "2", "--train", train, "--solver", "popularity"},
       "--train is for --format lightgcn, not a raw file"},
      {{"--format", "lightgcn", "--train", train, "--test", test_file, "--validation-share", "1", "--solver", "popularity"},
       "--validation-share expects a number in (0, 1), got \"1\""},
      {{"--format", "lightgcn", "--train", train, "--test", test_file, "--metrics", "recall@20,,ndcg@20", "--solver", "popularity"},
       "--metrics expects names separated by commas, got \"recall@20,,ndcg@20\""},
      {{"--format", "lightgcn", "--train", train, "--test", test_file, "--metrics", "ndcg@20,foo@3", "--solver", "popularity"},
       "--metrics: expected a metric like \"ndcg@100\" or \"recall@20\" (ndcg, recall, recall_ngcf, hitrate or precision, "
       "then @k with k >= 1), got \"foo@3\""},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> all = {"eval"};
    all.insert(all.end(), args.begin(), args.end());
    const auto r = run_aelab(all);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "aelab: error: aelab eval: " + message + "\n");
  }
  // A malformed training file: the loader's one-line error names the file and line.
  test::TempDir dir;
  { std::ofstream(dir.file("bad.txt")) << "0 1 2\n1 x\n"; }
  const auto bad = run_aelab({"eval", "--quiet", "--format", "lightgcn", "--train", dir.file("bad.txt"), "--test", test_file, "--solver", "popularity"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find(dir.file("bad.txt") + ":2") != std::string::npos);
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}
