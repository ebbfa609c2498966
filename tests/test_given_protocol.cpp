// The given-split protocol end to end on the committed NGCF-format fixture (tests/fixtures/ngcf-small):
// selection on a seeded validation carve-out of the training rows, the selected points refitted on
// every training row for the test numbers, training items never ranked, and the leaderboard mode that
// selects on test with its warning.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/data/given_split.hpp"
#include "core/data/validation_carve_out.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "experiments/common/data_source.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/runner.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

std::string fixture(const std::string& name) { return test::source_path("tests/fixtures/ngcf-small/" + name); }

nlohmann::json given_config(const std::string& out, const nlohmann::json& data_extra = nlohmann::json::object(),
                            const std::string& on = "validation") {
  nlohmann::json data = {{"protocol", "given_split"}, {"train", fixture("train.txt")}, {"test", fixture("test.txt")}};
  data.update(data_extra);
  return {{"schema_version", 1},
          {"name", "given"},
          {"data", data},
          {"selection", {{"on", on}, {"per", {"rank"}}}},
          {"solvers",
           {{{"id", "cfa"}, {"solver", "closed_form_approx"}, {"grid", {{"rank", {2, 5, "full"}}, {"lambda", {1, 10}}, {"p", {0}}}}},
            {{"id", "pop"}, {"solver", "popularity"}}}},
          {"output", {{"dir", out}, {"plots", nlohmann::json::array()}}}};
}

RunReport run(const nlohmann::json& root, const test::TempDir& dir, std::ostream* out = nullptr,
              std::ostream* progress = nullptr) {
  static const Registry registry = builtin_registry();
  const ExperimentConfig config = parse_experiment_config(root, ConfigLocation{"", dir.path(), dir.path()}, registry);
  RunOptions options;
  options.quiet = out == nullptr;
  options.out = out;
  std::ostringstream log;
  options.log = progress ? progress : &log;
  options.plots = false;
  return run_sweep(config, options);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("given split: selection on the validation carve-out, the selected points refitted for the test numbers") {
  test::TempDir dir;
  const RunReport report = run(given_config(dir.file("out")), dir);
  CHECK(report.complete());
  CHECK(report.computed == 7);  // 6 grid points + popularity, fitted on the carve-out
  CHECK(report.refitted == 4);  // one selected point per rank (3) + popularity
  const std::string summary = test::read_text(dir.file("out/summary.csv"));
  // Validation rows for every point (4 metrics each); test rows only for the 4 selected points.
  CHECK(count(summary, ",validation,") == 7 * 4);
  CHECK(count(summary, ",test,") == 4 * 4);
  CHECK(summary.find(",test,recall_ngcf@20,") != std::string::npos);
  CHECK(summary.find(",test,ndcg@20,") != std::string::npos);

  const GivenSplit given = load_given_split(fixture("train.txt"), fixture("test.txt"));
  const nlohmann::json selection = nlohmann::json::parse(test::read_text(dir.file("out/selection.json")));
  for (const auto& group : selection["solvers"][0]["groups"])
    CHECK(group["selected"]["test"]["ndcg@20"]["n_users"] == given.n_test_users());
  const nlohmann::json manifest = nlohmann::json::parse(test::read_text(dir.file("out/manifest.json")));
  CHECK(manifest["status"] == "complete");
  CHECK(manifest["selection"]["optimistic"] == false);
  CHECK(manifest["refit"]["computed"] == 4);
  CHECK(std::filesystem::exists(dir.file("out/refit/points/pop/default.json")));

  // The test numbers are those of a model fitted on every training row: refit one alone and compare.
  const SplitData test_data = test_split_data(given);
  const Registry registry = builtin_registry();
  const auto& chosen = selection["solvers"][0]["groups"][0]["selected"];
  const Solver& solver = registry.get("closed_form_approx");
  LinalgCache cache(test_data.train);
  FitContext ctx(cache);
  ctx.registry = &registry;
  const auto model = solver.fit(ctx, solver.make_params(chosen["params"]));
  const EvaluationResult result = evaluate(*model, test_data.test, given_split_metrics());
  CHECK(result.summary("ndcg@20").mean == doctest::Approx(chosen["test"]["ndcg@20"]["mean"].get<double>()).epsilon(1e-12));

  // A rerun reuses both stores and writes the same summary.
  const RunReport again = run(given_config(dir.file("out")), dir);
  CHECK(again.computed == 0);
  CHECK(again.refitted == 0);
  CHECK(again.refit_reused == 4);
  CHECK(test::read_text(dir.file("out/summary.csv")) == summary);
}

TEST_CASE("given split: training items are never ranked, and users are scored from their training rows") {
  const GivenSplit given = load_given_split(fixture("train.txt"), fixture("test.txt"));
  const SplitData data = test_split_data(given);
  REQUIRE(data.test.n_users() == given.n_users());
  const Registry registry = builtin_registry();
  LinalgCache cache(data.train);
  FitContext ctx(cache);
  ctx.registry = &registry;
  const auto model = registry.get("popularity").fit(ctx, ParamSet());
  arma::mat scores;
  model->score(data.test.fold_in, 0, data.test.n_users(), scores);
  std::vector<std::uint32_t> ranking;
  std::size_t ranked = 0;
  for (std::size_t u = 0; u < data.test.n_users(); ++u) {
    const auto train_row = given.train.row(u);
    const auto fold_in = data.test.fold_in.row(u);
    REQUIRE(std::vector<std::uint32_t>(fold_in.begin(), fold_in.end()) ==
            std::vector<std::uint32_t>(train_row.begin(), train_row.end()));
    top_k_items(scores.colptr(u), given.n_items(), fold_in, given.n_items(), ranking);
    CHECK(ranking.size() == given.n_items() - train_row.size());  // every other item is ranked
    for (std::uint32_t j : ranking) CHECK_FALSE(std::binary_search(train_row.begin(), train_row.end(), j));
    ranked += ranking.size();
  }
  CHECK(ranked > 0);
}

TEST_CASE("given split: the carve-out is seeded and reproducible; another seed carves other items") {
  test::TempDir dir;
  run(given_config(dir.file("a")), dir);
  run(given_config(dir.file("b")), dir);
  run(given_config(dir.file("c"), {{"validation_seed", 7}}), dir);
  const auto validation_rows = [&](const std::string& folder) {
    std::istringstream lines(test::read_text(dir.file(folder + "/summary.csv")));
    std::string out, line;
    while (std::getline(lines, line))
      if (line.find(",validation,") != std::string::npos) out += line + "\n";
    return out;
  };
  CHECK(validation_rows("a") == validation_rows("b"));
  CHECK(validation_rows("a") != validation_rows("c"));
  const nlohmann::json a = nlohmann::json::parse(test::read_text(dir.file("a/manifest.json")));
  const nlohmann::json c = nlohmann::json::parse(test::read_text(dir.file("c/manifest.json")));
  CHECK(a["data"]["split_digest"] != c["data"]["split_digest"]);
  CHECK(a["data"]["refit_digest"] == c["data"]["refit_digest"]);  // the test numbers' data do not move
  CHECK(a["data"]["validation_carve_out"]["seed"] == 98765);
}

TEST_CASE("given split, leaderboard mode: selection on test is allowed, warned about and recorded as optimistic") {
  test::TempDir dir;
  std::ostringstream out, progress;
  const RunReport report = run(given_config(dir.file("out"), nlohmann::json::object(), "test"), dir, &out, &progress);
  // Progress names the part that selects.
  CHECK(progress.str().find(": test ndcg@20 0.") != std::string::npos);
  CHECK(progress.str().find(": validation ndcg@20") == std::string::npos);
  CHECK(report.complete());
  CHECK(report.refitted == 0);
  CHECK(out.str().find("warning: selected on the test users (leaderboard mode): these test numbers are optimistic") !=
        std::string::npos);
  CHECK(out.str().find("recall_ngcf@20 = |top-20 ∩ T| / |T| (NGCF/LightGCN)") != std::string::npos);
  const nlohmann::json manifest = nlohmann::json::parse(test::read_text(dir.file("out/manifest.json")));
  CHECK(manifest["selection"]["optimistic"] == true);
  CHECK_FALSE(std::filesystem::exists(dir.file("out/refit")));
  // Every point has test numbers (it was fitted on every training row), none has validation numbers.
  const std::string summary = test::read_text(dir.file("out/summary.csv"));
  CHECK(count(summary, ",test,") == 7 * 4);
  CHECK(count(summary, ",validation,") == 0);
  // The strong-generalization protocol refuses test selection.
  nlohmann::json strong = given_config(dir.file("strong"), nlohmann::json::object(), "test");
  strong["data"] = {{"synthetic", {{"users", 200}, {"items", 60}, {"mean_items_per_user", 10}, {"seed", 1}}}, {"heldout_users", 20}};
  CHECK_THROWS_WITH_AS(run(strong, dir), doctest::Contains("selection.on: \"test\" is only for the given-split protocol"),
                       Error);
}

TEST_CASE("given split, --dry-run: the plan shows the rows each mode fits") {
  test::TempDir dir;
  const Registry registry = builtin_registry();
  const auto plan = [&](const std::string& on) {
    const ExperimentConfig config = parse_experiment_config(given_config(dir.file(on), nlohmann::json::object(), on),
                                                            ConfigLocation{"", dir.path(), dir.path()}, registry);
    std::ostringstream out, log;
    RunOptions options;
    options.dry_run = true;
    options.out = &out;
    options.log = &log;
    run_sweep(config, options);
    return out.str();
  };
  const GivenSplit given = load_given_split(fixture("train.txt"), fixture("test.txt"));
  const ValidationCarveOut carve = carve_out_validation(given.train, CarveOutOptions{});
  // Leaderboard mode fits every training row; selection on the carve-out fits the rest, then refits.
  CHECK(plan("test").find("data: 40 training users, 60 items, " + std::to_string(given.train.nnz()) +
                          " interactions; 0 validation and " +
                          std::to_string(given.n_users()) + " test users\n") != std::string::npos);
  CHECK(plan("validation").find("data: 40 training users, 60 items, " + std::to_string(carve.train_part.nnz()) +
                                " interactions; " + std::to_string(carve.validation.n_users()) +
                                " validation and 0 test users (the validation carve-out; the selected points are "
                                "then refitted on every training row)\n") != std::string::npos);
}
