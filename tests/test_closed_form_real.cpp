// The closed-form solvers on a real split (the protocol split of ml-latest-small, docs/MATH.md §3: rating > 3.5,
// users with >= 5 rows, 50 validation and 50 test users; 5,697 training items): float32 and float64
// agree in nDCG@100, every closed-form model beats `popularity`, a rank sweep matches single fits,
// and `aelab eval` reports what the library computes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/data/vae_cf.hpp"
#include "core/eval/evaluation.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

// lambda and p that suit this small catalogue (a few hundred training users).
const char* const kModels[] = {"closed_form_approx:rank=50,lambda=50,p=0.25", "closed_form_approx:rank=full,lambda=50,p=0.25",
                               "unconstrained:rank=50,lambda=50,p=0.25", "unconstrained:rank=full,lambda=50,p=0.25"};

double test_ndcg(const FittedModel& model, const SplitData& split) {
  const EvaluationResult r = evaluate(model, split.test, default_metrics());
  CHECK(r.n_nonfinite_scores == 0);
  return r.summary("ndcg@100").mean;
}

}  // namespace

SHARED_DATA_TEST_CASE("real split: float32 agrees with float64 to 1e-3 in nDCG@100 and every closed form beats popularity") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings));
  REQUIRE(split.n_items() == 5697);
  const Registry registry = builtin_registry();
  LinalgCache cache(split.train);
  FitContext ctx(cache);
  const double popularity = test_ndcg(*registry.get("popularity").fit(ctx, ParamSet()), split);
  std::map<std::string, double> ndcg64;
  for (Dtype dtype : {Dtype::float64, Dtype::float32}) {
    ctx.dtype = dtype;
    for (const char* text : kModels) {
      CAPTURE(text);
      const SolverSpec spec = parse_solver_spec(registry, text);
      const auto model = spec.solver->fit(ctx, spec.params);
      CHECK(model->report().dtype == dtype);
      const double ndcg = test_ndcg(*model, split);
      MESSAGE(std::string(text) << " " << std::string(dtype_name(dtype)) << ": nDCG@100 " << ndcg << " (popularity " << popularity << ")");
      CHECK(ndcg > popularity + 0.05);
      if (dtype == Dtype::float64) ndcg64[text] = ndcg;
      else CHECK(std::abs(ndcg - ndcg64[text]) < 1e-3);
    }
  }
  CHECK(cache.stats().inversions == 2);  // one per precision, shared by all four models
}

SHARED_DATA_TEST_CASE("real split: a rank sweep equals single fits, and the eigen-gap is reported") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings, 10));
  const Registry registry = builtin_registry();
  const Solver& solver = registry.get("closed_form_approx");
  const ParamSet params = solver.make_params({{"lambda", 50}, {"p", 0.25}});
  LinalgCache cache(split.train);
  FitContext ctx(cache);
  ctx.dtype = Dtype::float32;
  std::vector<std::pair<ParamSet, std::unique_ptr<FittedModel>>> swept;
  solver.fit_ranks(ctx, params, {Rank::of(5), Rank::of(20), Rank::of(60)},
                   [&](const ParamSet& ps, std::unique_ptr<FittedModel> m) {
                     swept.emplace_back(ps, std::move(m));
                     return true;
                   });
  REQUIRE(swept.size() == 3);
  arma::mat sweep_scores, single_scores;
  for (auto& [ps, model] : swept) {
    CAPTURE(ps.str());
    REQUIRE(model->report().eigen);
    const EigenReport& eigen = *model->report().eigen;
    CHECK(eigen.k_computed == 60);
    CHECK(eigen.gap > 0);
    const auto single = solver.fit(ctx, ps);
    model->score(split.test.fold_in, 0, split.test.n_users(), sweep_scores);
    single->score(split.test.fold_in, 0, split.test.n_users(), single_scores);
    CHECK(arma::norm(sweep_scores - single_scores, "inf") < 1e-3 * arma::norm(single_scores, "inf"));
    CHECK(model->report().objective.value() == doctest::Approx(single->report().objective.value()).epsilon(1e-4));
  }
}

SHARED_DATA_TEST_CASE("aelab eval: JSON equals the library's evaluation; text, trace and one-line errors") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  test::TempDir dir;
  const std::string split_dir = dir.file("split");
  write_vae_cf(split_dir, test::ml_latest_small_split(ratings, 10));
  const auto ok = test::run_aelab({"eval", "--data", split_dir, "--solver", "closed_form_approx", "--set", "rank=20",
                                   "--set", "lambda=50", "--set", "p=0.25", "--on", "test", "--json", "--quiet"});
  REQUIRE(ok.exit_code == 0);
  const nlohmann::json report = nlohmann::json::parse(ok.out);  // exactly one JSON object
  CHECK(report["solver"] == "closed_form_approx");
  CHECK(report["params"]["rank"] == 20);
  CHECK(report["on"] == "test");
  CHECK(report["n_users"].get<int>() + report["n_users_excluded"].get<int>() == 50);
  for (const char* key : {"objective", "seconds", "report", "metrics"}) CHECK(report.contains(key));
  for (const char* stage : {"gram", "inverse", "eigen_matrix", "eigen", "factors", "objective", "total", "fit", "evaluate", "load"})
    CHECK(report["seconds"].contains(stage));
  CHECK(report["report"]["eigen"]["k_computed"] == 20);

  const SplitData split = to_split_data(read_vae_cf(split_dir));
  const Registry registry = builtin_registry();
  const SolverSpec spec = parse_solver_spec(registry, "closed_form_approx:rank=20,lambda=50,p=0.25");
  EvaluationOptions options;
  options.on = "test";
  const nlohmann::json expected = evaluate_solver(split, *spec.solver, spec.params, registry, options).to_json();
  for (const char* metric : {"ndcg@100", "recall@20", "recall@50"}) {
    CAPTURE(metric);
    CHECK(report["metrics"][metric]["mean"].get<double>() == doctest::Approx(expected["metrics"][metric]["mean"].get<double>()).epsilon(1e-12));
    CHECK(report["metrics"][metric]["se"].get<double>() > 0);
  }
  CHECK(report["objective"].get<double>() == doctest::Approx(expected["objective"].get<double>()).epsilon(1e-10));

  const auto text = test::run_aelab({"eval", "--data", split_dir, "--solver", "popularity", "--trace", "--quiet"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("ndcg@100") != std::string::npos);
  CHECK(text.out.find(report["n_users"].dump() + " users evaluated, " + report["n_users_excluded"].dump() + " excluded") !=
        std::string::npos);
  CHECK(text.out.find("trace       none") != std::string::npos);
  const auto traced = test::run_aelab({"eval", "--data", split_dir, "--solver", "admm", "--set", "rank=5", "--set", "epochs=2",
                                       "--set", "lambda=20", "--trace", "--quiet"});
  CHECK(traced.exit_code == 0);
  CHECK(traced.out.find("epoch") != std::string::npos);
  CHECK(traced.out.find("objective") != std::string::npos);

  // Bad input: exit status 1 and exactly one line "aelab: error: ..." naming the problem.
  auto fails_with = [&](std::vector<std::string> args, const std::string& message) {
    args.push_back("--quiet");
    const auto r = test::run_aelab(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("aelab: error: ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find(message) != std::string::npos);
  };
  fails_with({"eval", "--data", split_dir, "--solver", "nope"}, "unknown solver 'nope'");
  fails_with({"eval", "--data", split_dir, "--solver", "unconstrained", "--set", "p=2"}, "p: expected a number in [0, 1), got 2");
  fails_with({"eval", "--data", split_dir, "--solver", "unconstrained", "--set", "lambda"}, "--set expects KEY=VALUE");
  fails_with({"eval", "--data", split_dir, "--solver", "popularity", "--on", "train"}, "--on expects validation or test");
  fails_with({"eval", "--data", split_dir, "--solver", "popularity", "--dtype", "float16"}, "--dtype expects float64 or float32, got \"float16\"");
  fails_with({"eval", "--data", dir.file("absent"), "--solver", "popularity"}, dir.file("absent"));
  fails_with({"eval", "--solver", "popularity"}, "expected exactly one data source: --data SPLIT_DIR, --format F --input PATH");
  REQUIRE(split.n_items() < 6000);
  fails_with({"eval", "--data", split_dir, "--solver", "closed_form_approx", "--set", "rank=6000"},
             "rank: 6000 exceeds the number of items (" + std::to_string(split.n_items()) + ")");
}
