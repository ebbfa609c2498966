// The `mlp` solver: analytic gradients against finite differences for every layer type and
// activation, seeded reproducibility, best-epoch restore, the batched training error, and the
// solver in a runner sweep.
#include <doctest/doctest.h>

#include <algorithm>

#include <random>

#include "core/eval/metrics.hpp"
#include "core/eval/reconstruction_error.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "solvers/builtin.hpp"
#include "solvers/mlp/mlp_model.hpp"
#include "solvers/mlp/network.hpp"
#include "solvers/mlp/sparse_batch.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using namespace aelab::mlp;

namespace {

// Central differences of the objective over every entry of one parameter matrix, against the
// analytic gradient: ||fd - g|| / max(||fd||, ||g||).
double relative_gradient_error(MlpNetwork<double>& net, arma::Mat<double>& parameter, const arma::Mat<double>& analytic,
                               const arma::sp_mat& input, const arma::sp_mat& target, double se_scale, double decay) {
  const double h = 1e-6;
  Layers<double> scratch;
  MlpWorkspace<double> ws;
  arma::mat numeric(arma::size(parameter));
  for (arma::uword i = 0; i < parameter.n_elem; ++i) {
    const double saved = parameter(i);
    parameter(i) = saved + h;
    const double plus = net.gradient(input, target, se_scale, decay, scratch, ws, true);
    parameter(i) = saved - h;
    const double minus = net.gradient(input, target, se_scale, decay, scratch, ws, true);
    parameter(i) = saved;
    numeric(i) = (plus - minus) / (2 * h);
  }
  const double scale = std::max(arma::norm(numeric, "fro"), arma::norm(analytic, "fro"));
  REQUIRE(scale > 1e-8);  // a zero gradient would make the comparison vacuous
  return arma::norm(numeric - analytic, "fro") / scale;
}

struct Fitted {
  std::unique_ptr<FittedModel> model;
  FitReport report;
  double training_se() const { return report.find_fact("training_se")->value.get<double>(); }
};

// The index of a named extra column of an MLP trace.
std::size_t column(const Trace& trace, const std::string& name) {
  const auto it = std::find(trace.extra_columns.begin(), trace.extra_columns.end(), name);
  REQUIRE(it != trace.extra_columns.end());
  return static_cast<std::size_t>(it - trace.extra_columns.begin());
}

Fitted fit_mlp(const BinaryCsr& X, const nlohmann::json& given, const HeldOutSet* validation = nullptr) {
  const Registry registry = builtin_registry();
  const Solver& solver = registry.get("mlp");
  LinalgCache cache(X);
  FitContext ctx(cache);
  ctx.validation = validation;
  auto model = solver.fit(ctx, solver.make_params(given));
  FitReport report = model->report();
  return {std::move(model), std::move(report)};
}

HeldOutSet random_held_out(std::size_t users, std::size_t items, unsigned seed) {
  HeldOutSet set;
  for (std::size_t u = 0; u < users; ++u) set.uids.push_back(1000 + u);
  set.fold_in = test::random_binary(users, items, 0.2, seed);
  set.held_out = test::random_binary(users, items, 0.1, seed + 1);
  return set;
}

}  // namespace

TEST_CASE("finite-difference gradient check of every layer type and activation (float64)") {
  const BinaryCsr X = test::random_binary(9, 12, 0.35, 3);
  const arma::sp_mat target = user_range_as_columns<double>(X, 0, X.n_rows());
  std::mt19937_64 rng(5);
  const arma::sp_mat input = drop_entries(target, 0.3, rng);  // the dropout path: input differs from target
  REQUIRE(arma::accu(arma::abs(arma::mat(input - target))) > 0);
  const double se_scale = 1.0 / 9, decay = 0.05;
  const char* layer_names[] = {"sparse input layer", "hidden layer", "rank-k layer", "linear output layer"};
  for (const std::string& activation : activation_names()) {
    for (bool output_bias : {false, true}) {
      MlpArchitecture a;
      a.n_items = 12;
      a.hidden = {7, 5};
      a.rank = 3;
      a.activation = parse_activation(activation);
      a.output_bias = output_bias;
      MlpNetwork<double> net(a, 42);
      for (auto& layer : net.layers())  // non-zero biases, so their gradients are checked in general position
        if (!layer.bias.is_empty()) layer.bias = arma::linspace(-0.3, 0.2, layer.bias.n_elem);
      Layers<double> analytic;
      MlpWorkspace<double> ws;
      net.gradient(input, target, se_scale, decay, analytic, ws);
      REQUIRE(net.layers().size() == 4);
      for (std::size_t l = 0; l < 4; ++l) {
        CAPTURE(activation);
        CAPTURE(output_bias);
        CAPTURE(layer_names[l]);
        CHECK(relative_gradient_error(net, net.layers()[l].weight, analytic[l].weight, input, target, se_scale, decay) < 1e-6);
        if (!net.layers()[l].bias.is_empty()) {
          arma::Mat<double>& bias = net.layers()[l].bias;
          CHECK(relative_gradient_error(net, bias, analytic[l].bias, input, target, se_scale, decay) < 1e-6);
        }
      }
      CHECK(net.layers().back().bias.is_empty() == !output_bias);
    }
  }
}

TEST_CASE("seeded runs are reproducible: same seed, same thread count, same final loss") {
  const BinaryCsr X = test::random_binary(70, 40, 0.2, 11);
  for (const char* precision : {"float32", "float64"}) {
    CAPTURE(precision);
    const nlohmann::json given = {{"rank", 4},       {"hidden", {12}}, {"activation", "relu"}, {"epochs", 6},
                                  {"batch_size", 16}, {"dropout", 0.2}, {"lr", 0.01},           {"precision", precision}};
    const Fitted a = fit_mlp(X, given), b = fit_mlp(X, given);
    CHECK(a.training_se() == b.training_se());
    CHECK(a.report.trace.points.size() == 6);
    for (std::size_t e = 0; e < 6; ++e) CHECK(a.report.trace.points[e].objective == b.report.trace.points[e].objective);
    arma::mat sa, sb;
    a.model->score(X, 0, X.n_rows(), sa);
    b.model->score(X, 0, X.n_rows(), sb);
    CHECK(arma::approx_equal(sa, sb, "absdiff", 0.0));
    nlohmann::json other = given;
    other["seed"] = 2;
    const Fitted c = fit_mlp(X, other);
    CHECK(c.training_se() != a.training_se());
  }
}

TEST_CASE("early stopping restores the best validation epoch") {
  const BinaryCsr X = test::random_binary(120, 50, 0.15, 21);
  const HeldOutSet validation = random_held_out(30, 50, 22);
  const nlohmann::json given = {{"rank", 5},  {"hidden", {16}}, {"epochs", 40}, {"batch_size", 32},
                                {"lr", 0.03}, {"patience", 3},  {"precision", "float64"}};
  const Fitted f = fit_mlp(X, given, &validation);
  const FitReport& d = f.report;
  const std::size_t best = d.trace.best;
  REQUIRE(best >= 1);
  REQUIRE(best <= d.trace.completed);
  const std::size_t ndcg = column(d.trace, "validation_ndcg@100");
  REQUIRE(d.trace.points[best - 1].extra.size() > ndcg);
  double best_seen = -1;
  for (const auto& entry : d.trace.points) best_seen = std::max(best_seen, entry.extra[ndcg]);
  CHECK(d.trace.points[best - 1].extra[ndcg] == best_seen);
  // The returned weights are those of the best epoch: same training SE and validation score.
  CHECK(squared_error(*f.model, X) == d.trace.points[best - 1].objective);
  const auto evaluation = evaluate(*f.model, validation, {MetricSpec::parse("ndcg@100")});
  CHECK(evaluation.summary("ndcg@100").mean == doctest::Approx(best_seen).epsilon(1e-12));
  if (d.stop_reason == "early_stopping") CHECK(d.trace.completed == best + 3);
  CHECK_THROWS_WITH_AS(fit_mlp(X, given), doctest::Contains("needs validation users"), Error);
}

TEST_CASE("the training SE in batches equals the direct ||X - f(X)||_F^2") {
  const BinaryCsr X = test::random_binary(53, 31, 0.25, 7);
  const Fitted f = fit_mlp(X, {{"rank", 3}, {"hidden", {8}}, {"activation", "elu"}, {"epochs", 2}, {"output_bias", true},
                               {"precision", "float64"}});
  arma::mat F;
  f.model->score(X, 0, X.n_rows(), F);
  const double direct = arma::accu(arma::square(X.to_dense<double>().t() - F));
  for (std::size_t batch : {1, 7, 53, 0}) CHECK(squared_error(*f.model, X, batch) == doctest::Approx(direct).epsilon(1e-12));
  CHECK(f.training_se() == doctest::Approx(direct).epsilon(1e-12));
}

TEST_CASE("mlp takes part in a Figure-1 style sweep (rank grid, selection on validation) through aelab run") {
  test::TempDir dir;
  const nlohmann::json config = {
      {"schema_version", 1},
      {"name", "mlp-sweep"},
      {"seed", 3},
      {"data",
       {{"synthetic", {{"users", 600}, {"items", 120}, {"latent_dim", 4}, {"mean_items_per_user", 15}, {"seed", 2}}},
        {"threshold", 3.5},
        {"min_uc", 3},
        {"heldout_users", 50}}},
      {"solvers",
       {{{"id", "mlp"},
         {"solver", "mlp"},
         {"fixed", {{"hidden", {32}}, {"epochs", 15}, {"patience", 3}, {"lr", 0.01}, {"batch_size", 64}}},
         {"grid", {{"rank", {4, 16}}, {"dropout", {0.0, 0.3}}}}}}}};
  test::write_text(dir.file("sweep.json"), config.dump(2));
  const auto run = test::run_aelab({"run", dir.file("sweep.json"), "--out", dir.file("out"), "--quiet", "--no-plots"});
  CAPTURE(run.err);
  REQUIRE(run.exit_code == 0);
  const auto selection = nlohmann::json::parse(test::read_text(dir.file("out/selection.json")));
  REQUIRE(selection["solvers"].size() == 1);
  const auto& groups = selection["solvers"][0]["groups"];
  REQUIRE(groups.size() == 2);  // one selected point per rank
  for (const auto& group : groups) {
    CHECK(group["selected"]["params"]["dropout"].is_number());
    CHECK(group["selected"]["test"]["ndcg@100"]["mean"].get<double>() > 0);
  }
  const std::string summary = test::read_text(dir.file("out/summary.csv"));
  CHECK(summary.find("mlp,mlp,4,") != std::string::npos);
  CHECK(summary.find("mlp,mlp,16,") != std::string::npos);
}
