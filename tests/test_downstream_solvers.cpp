// A solver registered by a downstream program (as in examples/custom_solver) is found wherever a
// built-in one is looked up: in a sweep (and grouped by the shared inverse it declares), in the
// approximation gap's default solver list and reference, in exact's start, and in the Proposition's
// validation and fits. The registries here are built by the test, never builtin_registry().
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "core/eval/metrics.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/gap/approximation_gap.hpp"
#include "experiments/proposition/proposition.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/runner.hpp"
#include "solvers/closed_form/closed_form.hpp"
#include "solvers/exact/exact.hpp"
#include "solvers/mlp/mlp.hpp"
#include "solvers/popularity/popularity.hpp"
#include "tests/experiment_fixtures.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

// A downstream solver that delegates to another implementation under its own name and traits and
// counts its fits: what a researcher's wrapper (or a reimplementation) looks like to aelab.
class CountingSolver : public Solver {
 public:
  CountingSolver(std::string name, std::unique_ptr<Solver> inner, SolverTraits traits, std::shared_ptr<int> fits)
      : name_(std::move(name)), inner_(std::move(inner)), traits_(std::move(traits)), fits_(std::move(fits)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "test: " + inner_->description(); }
  std::vector<ParamSpec> params() const override { return inner_->params(); }
  SolverTraits traits() const override { return traits_; }
  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    ++*fits_;
    return inner_->fit(ctx, params);
  }
  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const override {
    return inner_->memory_estimate(sizing, params);
  }

 private:
  std::string name_;
  std::unique_ptr<Solver> inner_;
  SolverTraits traits_;
  std::shared_ptr<int> fits_;
};

SolverTraits eq7_traits() {
  SolverTraits t;
  t.uses_shared_inverse = true;
  t.eq7_model = true;
  return t;
}

}  // namespace

TEST_CASE("a downstream solver runs in a sweep and shares the inverse its traits declare") {
  auto fits = std::make_shared<int>(0);
  Registry registry;
  registry.add(make_closed_form_approx_solver());
  registry.add(make_popularity_solver());
  registry.add(std::make_unique<CountingSolver>("plugin_dlae", make_unconstrained_solver(), eq7_traits(), fits));
  test::TempDir dir;
  const nlohmann::json root = {
      {"schema_version", 1},
      {"name", "plugin"},
      {"data", {{"synthetic", {{"users", 400}, {"items", 60}, {"latent_dim", 3}, {"mean_items_per_user", 12}, {"seed", 4}}},
                {"min_uc", 3},
                {"heldout_users", 40}}},
      {"solvers",
       {{{"id", "cfa"}, {"solver", "closed_form_approx"}, {"grid", {{"rank", {5, "full"}}, {"lambda", {10, 30}}, {"p", {0.2}}}}},
        {{"id", "plugin"}, {"solver", "plugin_dlae"}, {"grid", {{"rank", {5, 10}}, {"lambda", {10, 30}}, {"p", {0.2}}}}},
        {{"id", "pop"}, {"solver", "popularity"}}}},
      {"output", {{"dir", dir.file("out")}, {"plots", nlohmann::json::array()}}}};
  const ExperimentConfig config = parse_experiment_config(root, ConfigLocation{"", dir.path(), dir.path()}, registry);
  RunOptions options;
  options.quiet = true;
  options.plots = false;
  const RunReport report = run_sweep(config, options);
  CHECK(report.complete());
  CHECK(report.computed == 9);
  CHECK(*fits == 4);  // the plugin has no rank sweep of its own: one fit per point
  // Two regularisers in the grid, and the plugin's fits read the inverses closed_form_approx computed.
  CHECK(report.inversions == 2);
  CHECK(std::filesystem::exists(dir.file("out/points/plugin/eigen=auto,eigen_tolerance=1e-10,lambda=10,p=0.2,rank=5.json")));
  const nlohmann::json selection = nlohmann::json::parse(test::read_text(dir.file("out/selection.json")));
  CHECK(selection["solvers"][1]["solver"] == "plugin_dlae");
}

TEST_CASE("the approximation gap finds downstream solvers: default list, reference, and exact's start") {
  const SplitData split = test::small_split(3);
  auto plugin_fits = std::make_shared<int>(0), start_fits = std::make_shared<int>(0);
  Registry registry;
  registry.add(make_exact_solver());
  registry.add(std::make_unique<CountingSolver>("plugin_dlae", make_unconstrained_solver(), eq7_traits(), plugin_fits));
  // exact starts from "closed_form_approx": here a downstream solver of that name.
  SolverTraits start_traits = eq7_traits();
  registry.add(std::make_unique<CountingSolver>("closed_form_approx", make_closed_form_approx_solver(), start_traits,
                                                start_fits));

  CHECK(default_gap_reference(registry) == "exact");
  CHECK(default_gap_solvers(registry) == std::vector<std::string>{"plugin_dlae", "closed_form_approx"});
  LinalgCache cache(split.train);
  ApproximationGapOptions options;
  const GapReport report = approximation_gap(cache, split, registry, GapPoint{Rank::of(5), Regularizer{10, 0.2}}, options);
  REQUIRE(report.rows.size() == 3);
  CHECK(report.rows[0].solver == "exact");
  CHECK(report.rows[1].label == "plugin_dlae");
  CHECK(report.rows[2].label == "closed_form_approx");
  CHECK(*plugin_fits == 1);
  CHECK(*start_fits == 2);  // its own row, and exact's start
  for (const GapRow& row : report.rows) {
    CAPTURE(row.label);
    CHECK(row.status != "failed");
    REQUIRE(row.relative_gap);
    CHECK(*row.relative_gap >= -1e-9);
  }
  // A registry with two references needs the reference named.
  registry.add(std::make_unique<CountingSolver>("exact_twin", make_exact_solver(),
                                                [] {
                                                  SolverTraits t = eq7_traits();
                                                  t.eq7_reference = true;
                                                  return t;
                                                }(),
                                                std::make_shared<int>(0)));
  CHECK_THROWS_WITH_AS(default_gap_reference(registry), doctest::Contains("name the reference explicitly"), Error);
  options.reference = "exact_twin";
  options.solvers = {"plugin_dlae"};
  CHECK(plan_approximation_gap(registry, GapPoint{Rank::of(5), Regularizer{10, 0.2}}, options).front().solver->name() ==
        "exact_twin");
}

TEST_CASE("the Proposition validates against and fits with a downstream nonlinear autoencoder") {
  auto fits = std::make_shared<int>(0);
  SolverTraits traits;
  traits.nonlinear_autoencoder = true;
  traits.rank_raising_param = "output_bias";
  Registry registry;  // no built-in mlp: only the downstream one
  registry.add(std::make_unique<CountingSolver>("plugin_net", make_mlp_solver(), traits, fits));
  const nlohmann::json config = {
      {"schema_version", 1},
      {"experiment", "proposition"},
      {"proposition",
       {{"ranks", {2, 3}},
        {"common", {{"epochs", 30}, {"batch_size", 20}, {"lr", 0.01}}},
        {"architectures", {{{"id", "a"}, {"params", {{"hidden", {8}}}}}}}}}};
  const PropositionSettings settings = parse_proposition_settings(config, ".", registry);
  REQUIRE(settings.solver != nullptr);
  CHECK(settings.solver->name() == "plugin_net");
  // Validation goes through the downstream solver's specification.
  nlohmann::json bad = config;
  bad["proposition"]["architectures"][0]["params"]["lr"] = -1;
  CHECK_THROWS_WITH_AS(parse_proposition_settings(bad, ".", registry),
                       "proposition.architectures[0].params.lr: expected a number > 0, got -1", Error);
  const BinaryCsr X = test::random_binary(40, 12, 0.3, 8);
  const PropositionResult result = run_proposition(X, settings, registry);
  CHECK(*fits == 2);  // one architecture at two ranks
  CHECK(result.trained == 2);
  CHECK(result.violations == 0);
}
