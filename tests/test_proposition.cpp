// The Proposition experiment (docs/MATH.md §2.6): the linear bound, the linear AE at its closed form, and MLPs
// of every activation and several depths on tiny data, never below the bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/eval/reconstruction_error.hpp"
#include "core/solver/models.hpp"
#include "core/util/file_writer.hpp"
#include "experiments/proposition/proposition.hpp"
#include "experiments/common/split_digest.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

PropositionSettings settings_of(const nlohmann::json& section, const Registry& registry) {
  return parse_proposition_settings({{"schema_version", 1}, {"experiment", "proposition"}, {"proposition", section}}, ".",
                                    registry);
}

// The bound from a dense SVD of X: ||X||_F^2 - sum_{i<=k} s_i^2.
double svd_bound(const BinaryCsr& X, std::size_t k) {
  const arma::vec s = arma::svd(X.to_dense<double>());
  return static_cast<double>(X.nnz()) - arma::accu(arma::square(s.head(k)));
}

const PropositionRow& row_of(const PropositionResult& result, const std::string& architecture, std::size_t k) {
  for (const auto& row : result.rows)
    if (row.architecture == architecture && row.k == k) return row;
  FAIL("no row " << architecture << " k = " << k);
  throw 0;
}

}  // namespace

TEST_CASE("the bound from ARPACK equals the one from a dense SVD, and the linear AE at V_k reaches it") {
  const BinaryCsr X = test::random_binary(90, 60, 0.2, 31);
  EigenOptions options;
  options.method = EigenMethod::arpack;
  const LinearBound bound = linear_bound(X, 12, options);
  CHECK(bound.method == "arpack");
  CHECK(bound.frobenius_squared == static_cast<double>(X.nnz()));
  const arma::mat Xd = X.to_dense<double>();
  for (std::size_t k : {1, 3, 7, 12}) {
    CAPTURE(k);
    const double expected = svd_bound(X, k);
    CHECK(bound.se(k) == doctest::Approx(expected).epsilon(1e-10));
    // Cheap form (batched ||X||^2 - 2<X,F> + ||F||^2) and direct form of the linear AE's training error.
    const arma::mat Vk = bound.eigenvectors.head_cols(k);
    const double batched = squared_error(LowRankModel<double>(Vk, Vk), X, 17);
    const double direct = arma::accu(arma::square(Xd - Xd * Vk * Vk.t()));
    CHECK(batched == doctest::Approx(direct).epsilon(1e-11));
    CHECK(batched == doctest::Approx(expected).epsilon(1e-10));
  }
}

TEST_CASE("an MLP with identity activations reaches the bound within 1%") {
  const Registry registry = builtin_registry();
  const BinaryCsr X = test::random_binary(60, 25, 0.25, 41);
  const auto settings = settings_of(
      {{"ranks", {2, 5}},
       {"common", {{"epochs", 1500}, {"batch_size", 60}, {"lr", 0.01}, {"lr_decay", 0.998}}},
       {"architectures", {{{"id", "linear-1"}, {"params", {{"activation", "identity"}}}},
                          {{"id", "linear-2"}, {"params", {{"activation", "identity"}, {"hidden", {16}}}}}}}},
      registry);
  const PropositionResult result = run_proposition(X, settings, registry);
  CHECK(result.violations == 0);
  for (const char* id : {"linear-1", "linear-2"})
    for (std::size_t k : {2, 5}) {
      CAPTURE(id);
      CAPTURE(k);
      const PropositionRow& row = row_of(result, id, k);
      CHECK(row.se_bound == doctest::Approx(svd_bound(X, k)).epsilon(1e-10));
      CHECK(row.ratio >= 1 - 1e-6);
      CHECK(row.ratio <= 1.01);
    }
}

TEST_CASE("no architecture ends below the bound") {
  const Registry registry = builtin_registry();
  const BinaryCsr X = test::random_binary(50, 24, 0.3, 51);
  nlohmann::json architectures = nlohmann::json::array();
  for (const char* activation : {"relu", "tanh", "sigmoid", "elu", "identity"})
    for (const auto& hidden : {nlohmann::json::array(), nlohmann::json{20}, nlohmann::json{20, 12}})
      architectures.push_back({{"id", std::string(activation) + "-" + std::to_string(hidden.size() + 1)},
                               {"params", {{"activation", activation}, {"hidden", hidden}}}});
  const auto settings = settings_of(
      {{"ranks", {1, 3, 6}},
       {"common", {{"epochs", 400}, {"batch_size", 25}, {"lr", 0.01}}},
       {"architectures", architectures}},
      registry);
  const PropositionResult result = run_proposition(X, settings, registry);
  REQUIRE(result.rows.size() == 3 * (1 + 15));
  for (const auto& row : result.rows) {
    CAPTURE(row.architecture);
    CAPTURE(row.k);
    CHECK(row.se >= (1 - 1e-6) * svd_bound(X, row.k));
    CHECK_FALSE(row.violation);
  }
  CHECK(result.violations == 0);
}

TEST_CASE("with an output bias the bound of rank k+1 applies (and the rank-k bound does not)") {
  const Registry registry = builtin_registry();
  const BinaryCsr X = test::random_binary(60, 25, 0.3, 61);
  const auto settings = settings_of(
      {{"ranks", {2, 4}},
       {"common", {{"epochs", 2000}, {"batch_size", 60}, {"lr", 0.01}, {"lr_decay", 0.998}}},
       {"architectures", {{{"id", "linear-bias"}, {"params", {{"activation", "identity"}, {"output_bias", true}}}},
                          {{"id", "tanh-bias"},
                           {"params", {{"activation", "tanh"}, {"hidden", {16}}, {"output_bias", true}}}}}}},
      registry);
  const PropositionResult result = run_proposition(X, settings, registry);
  CHECK(result.violations == 0);
  for (std::size_t k : {2, 4}) {
    CAPTURE(k);
    for (const char* id : {"linear-bias", "tanh-bias"}) {
      const PropositionRow& row = row_of(result, id, k);
      CHECK(row.bound_rank == k + 1);
      CHECK(row.se_bound == doctest::Approx(svd_bound(X, k + 1)).epsilon(1e-10));
      CHECK(row.se >= (1 - 1e-6) * svd_bound(X, k + 1));
    }
    // The linear network with a bias fits the centred data: below the rank-k bound, so comparing it
    // with SE_lin(k) would have reported a false violation.
    CHECK(row_of(result, "linear-bias", k).se < svd_bound(X, k));
  }
}

TEST_CASE("a violation is reported in red and fails the run; bad sections are one-line errors with their path") {
  PropositionResult result;
  result.users = 3;
  result.items = 4;
  result.nnz = 5;
  result.frobenius_squared = 5;
  PropositionRow fine{"tanh-1", 2, 2, 1.0, 1.0 + 1e-3, 0, false, {}};
  PropositionRow below{"relu-1", 2, 2, 1.0, 1.0 - 1e-5, 0, false, {}};
  PropositionRow linear_off{"linear_ae", 2, 2, 1.0, 1.0 + 1e-4, 0, false, {}};
  judge_row(fine, 5, 1e-6, false);
  judge_row(below, 5, 1e-6, false);
  judge_row(linear_off, 5, 1e-6, true);
  CHECK_FALSE(fine.violation);
  CHECK(below.violation);
  CHECK(linear_off.violation);
  result.rows = {fine, below};
  result.violations = 1;
  std::ostringstream colored, plain;
  print_proposition_table(result, colored, true);
  print_proposition_table(result, plain, false);
  CHECK(colored.str().find("\033[1;31m") != std::string::npos);
  CHECK(colored.str().find("VIOLATION") != std::string::npos);
  CHECK(plain.str().find("\033[") == std::string::npos);

  const Registry registry = builtin_registry();
  const nlohmann::json good_arch = {{{"id", "a"}, {"params", nlohmann::json::object()}}};
  CHECK_THROWS_WITH_AS(settings_of({{"architectures", good_arch}}, registry), "proposition.ranks: required (a non-empty list of positive integers)", Error);
  CHECK_THROWS_WITH_AS(settings_of({{"ranks", {5, 0}}, {"architectures", good_arch}}, registry),
                       "proposition.ranks[1]: expected a positive integer, got 0", Error);
  CHECK_THROWS_WITH_AS(settings_of({{"ranks", {5}}, {"architectures", good_arch}, {"tolerence", 1e-6}}, registry),
                       doctest::Contains("proposition.tolerence: unknown key"), Error);
  CHECK_THROWS_WITH_AS(
      settings_of({{"ranks", {5}}, {"architectures", {{{"id", "a"}, {"params", {{"lr", -1}}}}}}}, registry),
      "proposition.architectures[0].params.lr: expected a number > 0, got -1", Error);
  CHECK_THROWS_WITH_AS(
      settings_of({{"ranks", {5}}, {"architectures", {{{"id", "a"}, {"params", {{"rank", 3}}}}}}}, registry),
      doctest::Contains("proposition.architectures[0].params.rank: the rank is set per k"), Error);
  CHECK_THROWS_WITH_AS(settings_of({{"ranks", {5}}, {"common", {{"activation", "swish"}}}, {"architectures", good_arch}}, registry),
                       doctest::Contains("proposition.common.activation: expected one of"), Error);
}

TEST_CASE("the experiment writes its table, JSON and plot and exits 0 without violations") {
  const BinaryCsr X = test::random_binary(40, 20, 0.3, 71);
  test::TempDir dir;
  const nlohmann::json config = {
      {"schema_version", 1},
      {"experiment", "proposition"},
      {"seed", 3},
      {"proposition",
       {{"ranks", {2, 4}},
        {"common", {{"epochs", 50}, {"batch_size", 20}, {"lr", 0.01}}},
        {"architectures", {{{"id", "tanh-2"}, {"params", {{"hidden", {10}}}}}, {{"id", "relu-1"}, {"params", {{"activation", "relu"}}}}}}}}};
  std::ostringstream out;
  const int status = run_proposition_experiment(config, ".", builtin_registry(), dir.file("out"), X, out, false);
  CHECK(status == 0);
  const std::string csv = test::read_text(dir.file("out/proposition.csv"));
  CHECK(csv.rfind("architecture,activation,hidden,output_bias,k,bound_rank,se_bound,se,ratio,violation", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 3 * 2);
  const auto json = nlohmann::json::parse(test::read_text(dir.file("out/proposition.json")));
  CHECK(json["violations"] == 0);
  CHECK(json["rows"].size() == 6);
  CHECK(json["architectures"][0]["params"]["seed"] == 3);
  CHECK(json["architectures"][0]["params"]["precision"] == "float64");
  CHECK(std::filesystem::exists(dir.file("out/proposition.gp")));
  if (out.str().find("gnuplot is not installed") == std::string::npos) {
    CHECK(std::filesystem::exists(dir.file("out/proposition.svg")));
    CHECK(std::filesystem::exists(dir.file("out/proposition.png")));
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir.file("out")))
    CHECK_FALSE(is_temporary_file_name(entry.path().filename().string()));
}

TEST_CASE("aelab run dispatches \"experiment\": \"proposition\" configs (synthetic data through the runner's data section)") {
  test::TempDir dir;
  const nlohmann::json config = {
      {"schema_version", 1},
      {"name", "proposition-tiny"},
      {"experiment", "proposition"},
      {"seed", 5},
      {"data",
       {{"synthetic", {{"users", 300}, {"items", 60}, {"latent_dim", 4}, {"mean_items_per_user", 12}, {"seed", 3}}},
        {"threshold", 3.5},
        {"min_uc", 2},
        {"heldout_users", 20}}},
      {"proposition",
       {{"ranks", {2, 5}},
        {"plot", false},
        {"common", {{"epochs", 30}, {"batch_size", 64}, {"lr", 0.01}}},
        {"architectures", {{{"id", "tanh-2"}, {"params", {{"hidden", {16}}}}}}}}}};
  const std::string path = dir.file("proposition.json");
  test::write_text(path, config.dump(2));

  const auto check = test::run_aelab({"run", path, "--check"});
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("1 architectures x 2 ranks = 2 mlp fits") != std::string::npos);

  const auto first = test::run_aelab({"run", path, "--out", dir.file("out"), "--quiet", "--max-fits", "1"});
  CHECK(first.exit_code == 0);
  CHECK(first.out.find("stopped after 1 new mlp training") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("out/proposition.json")));
  const auto plan = test::run_aelab({"run", path, "--out", dir.file("out"), "--dry-run"});
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("= 2 mlp trainings (plus the closed-form linear AE per rank), 1 of them stored in") !=
        std::string::npos);
  const auto run = test::run_aelab({"run", path, "--out", dir.file("out"), "--quiet"});
  CAPTURE(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("no violation") != std::string::npos);
  const auto json = nlohmann::json::parse(test::read_text(dir.file("out/proposition.json")));
  CHECK(json["rows"].size() == 4);
  CHECK(json["mlp_fits"] == nlohmann::json{{"trained", 1}, {"reused", 1}});
  CHECK(json["data"]["users"].get<int>() > 200);  // 300 generated, 2 x 20 held out, a few filtered
  CHECK(json["data"]["users"].get<int>() <= 260);
  CHECK(json["provenance"]["split_digest"].is_string());
  CHECK(json["architectures"][0]["params"]["seed"] == 5);
  CHECK_FALSE(std::filesystem::exists(dir.file("out/proposition.gp")));

  const auto bad = test::run_aelab({"run", path, "--check", "--set", "proposition.common.dropout=1.5"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "aelab: error: proposition.common.dropout: expected a number in [0, 1), got 1.5\n");
}

TEST_CASE("MLP fits are kept as they finish: a rerun reuses matching ones and retrains changed ones") {
  const Registry registry = builtin_registry();
  const BinaryCsr X = test::random_binary(40, 20, 0.3, 71);
  test::TempDir dir;
  const std::string out_dir = dir.file("out");
  auto settings_with_epochs = [&](int epochs) {
    return settings_of({{"ranks", {2, 4}},
                        {"plot", false},
                        {"common", {{"epochs", epochs}, {"batch_size", 20}, {"lr", 0.01}}},
                        {"architectures", {{{"id", "tanh-2"}, {"params", {{"hidden", {10}}}}}}}},
                       registry);
  };
  const PropositionSettings settings = settings_with_epochs(40);
  auto summary = [&]() { return nlohmann::json::parse(test::read_text(out_dir + "/proposition.json")); };

  // Stopped after one training: that fit is on disk, the summary is not written.
  std::ostringstream out;
  PropositionRunOptions one;
  one.max_new_fits = 1;
  CHECK(run_proposition_experiment(settings, registry, out_dir, X, out, false, {}, nullptr, one) == 0);
  CHECK(out.str().find("stopped after 1 new mlp training (0 stored, 1 not run)") != std::string::npos);
  CHECK(std::filesystem::exists(out_dir + "/fits/tanh-2/k=2.json"));
  CHECK_FALSE(std::filesystem::exists(out_dir + "/fits/tanh-2/k=4.json"));
  CHECK_FALSE(std::filesystem::exists(out_dir + "/proposition.json"));
  const double stored_se = nlohmann::json::parse(test::read_text(out_dir + "/fits/tanh-2/k=2.json"))["se"].get<double>();

  // The rerun trains only the missing fit; a third run trains nothing and gives the same table.
  CHECK(run_proposition_experiment(settings, registry, out_dir, X, out, false) == 0);
  const nlohmann::json second = summary();
  CHECK(second["mlp_fits"]["trained"] == 1);
  CHECK(second["mlp_fits"]["reused"] == 1);
  CHECK(second["rows"].size() == 4);
  CHECK(run_proposition_experiment(settings, registry, out_dir, X, out, false) == 0);
  const nlohmann::json third = summary();
  CHECK(third["mlp_fits"]["trained"] == 0);
  CHECK(third["mlp_fits"]["reused"] == 2);
  for (std::size_t i = 0; i < 4; ++i) CHECK(third["rows"][i]["se"] == second["rows"][i]["se"]);
  const PropositionFitStore store(out_dir, matrix_digest(X), "mlp");
  const PropositionResult reused = run_proposition(X, settings, registry, {}, {&store});
  CHECK(row_of(reused, "tanh-2", 2).se == stored_se);
  CHECK(row_of(reused, "tanh-2", 2).details.reused);

  // A training from scratch gives the stored numbers (the fits are seeded), so reuse changes nothing.
  const PropositionResult fresh = run_proposition(X, settings, registry);
  CHECK(row_of(fresh, "tanh-2", 2).se == stored_se);
  CHECK(row_of(fresh, "tanh-2", 4).se == row_of(reused, "tanh-2", 4).se);

  // Retrain on request, on changed parameters, on other data and over a damaged file.
  CHECK(run_proposition(X, settings, registry, {}, {&store, /*retrain=*/true}).trained == 2);
  CHECK(run_proposition(X, settings_with_epochs(41), registry, {}, {&store}).trained == 2);
  const BinaryCsr other = test::random_binary(40, 20, 0.3, 72);
  const PropositionFitStore other_store(out_dir, matrix_digest(other), "mlp");
  std::vector<std::string> lines;
  const PropositionLog log = [&](const std::string& line) { lines.push_back(line); };
  CHECK(run_proposition(other, settings, registry, log, {&other_store}).trained == 2);
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.find("not reused: from other data or architecture parameters") != std::string::npos;
        }) == 2);
  test::write_text(out_dir + "/fits/tanh-2/k=4.json", "{\"format\": \"aelab-proposition-fit-1\", \"se\": ");
  lines.clear();
  const PropositionResult repaired = run_proposition(other, settings, registry, log, {&other_store});
  CHECK(repaired.trained == 1);
  CHECK(repaired.reused == 1);
  CHECK(std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
          return l.find("k=4.json not reused: not a Proposition fit file") != std::string::npos;
        }) == 1);
}
