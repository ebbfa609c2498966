// Experiment config schema v1: validation messages (each malformed config with its JSON path and
// message), grid expansion, logspace, overrides, and hyperparameter selection rules.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "experiments/gap/gap_config.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/experiment_types.hpp"
#include "experiments/sweep/grid.hpp"
#include "experiments/common/json_reader.hpp"
#include "experiments/sweep/selection.hpp"
#include "tests/experiment_fixtures.hpp"

using namespace aelab;
using nlohmann::json;

namespace {

// A grid axis's values as JSON, for comparing with lists written in the test.
std::vector<nlohmann::json> axis_json(const GridAxis& axis) {
  std::vector<nlohmann::json> out;
  for (const auto& v : axis.values) out.push_back(param_value_json(v));
  return out;
}

}  // namespace

namespace {

json valid_config() {
  return json::parse(R"({
    "schema_version": 1,
    "name": "unit",
    "seed": 42,
    "data": {"synthetic": {"users": 300, "items": 40, "mean_items_per_user": 10, "seed": 1}, "threshold": 3.5, "heldout_users": 20},
    "evaluation": {"metrics": ["ndcg@100", "recall@20", "recall@50"]},
    "selection": {"on": "validation", "metric": "ndcg@100", "per": ["rank"]},
    "solvers": [
      {"id": "shrink", "solver": "shrink", "fixed": {"p": 0.25},
       "grid": {"lambda": [1, 10, 100], "rank": [5, 2, "full"]}},
      {"solver": "popularity"}
    ],
    "output": {"dir": "out/unit"}
  })");
}

ConfigLocation here() {
  const std::string cwd = std::filesystem::current_path().string();
  return ConfigLocation{cwd + "/unit.json", cwd, cwd};
}

ExperimentConfig parse(const json& config) {
  static const Registry registry = test::test_registry();
  return parse_experiment_config(config, here(), registry);
}

// Applies a JSON merge patch (RFC 7396: null deletes) to the valid config and returns the error.
std::string error_of(const json& patch) {
  json config = valid_config();
  config.merge_patch(patch);
  try {
    parse(config);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string error_with_solver(const json& solver) {
  json config = valid_config();
  config["solvers"] = json::array({solver});
  try {
    parse(config);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("the valid config parses, with defaults, the seed passed on, and absolute output dir") {
  const ExperimentConfig c = parse(valid_config());
  CHECK(c.name == "unit");
  REQUIRE(c.solvers.size() == 2);
  CHECK(c.solvers[1].id == "popularity");  // id defaults to the solver name
  CHECK(c.solvers[0].points.size() == 9);
  CHECK(c.solvers[0].points[0].integer("seed") == 42);
  CHECK(c.n_points() == 10);
  CHECK(c.output.dir == std::filesystem::current_path().string() + "/out/unit");
  CHECK(c.output.plots == plot_kinds());
  CHECK(c.selection.per == std::vector<std::string>{"rank"});
  CHECK(c.evaluation.metric_names() == std::vector<std::string>{"ndcg@100", "recall@20", "recall@50"});
  CHECK(c.execution.rank_fits == ExecutionConfig::RankFits::shared);
  CHECK(c.hash.size() == 64);
  CHECK(c.resolved.at("solvers")[0].at("grid").at("rank") == json::array({5, 2, "full"}));
  // Output dir defaults to results/<name> under the working dir.
  json config = valid_config();
  config.erase("output");
  CHECK(parse(config).output.dir == std::filesystem::current_path().string() + "/results/unit");
}

TEST_CASE("malformed configs: one-line errors with the JSON path and what was expected") {
  CHECK(error_of({{"nmae", "x"}}).rfind("nmae: unknown key (did you mean \"name\"? known: schema_version, name, ", 0) == 0);
  CHECK(error_of({{"schema_version", 2}}) == "schema_version: expected 1 (the config schema this aelab reads), got 2");
  CHECK(error_of({{"name", nullptr}}) ==
        "name: required key is missing (the experiment's name; results go to results/<name> by default)");
  CHECK(error_of({{"name", "a/b"}}) ==
        "name: expected a name of letters, digits, '.', '_' or '-' (not starting with '.', at most 100 characters), got \"a/b\"");
  CHECK(error_of({{"dtype", "float16"}}) == "dtype: expected one of \"float32\", \"float64\", got \"float16\"");
  CHECK(error_of({{"threads", -1}}) == "threads: expected an integer in [0, 1024], got -1");
  CHECK(error_of({{"seed", "x"}}) == "seed: expected an integer >= 0, got \"x\"");
  CHECK(error_of({{"evaluation", {{"metrics", {"ndcg"}}}}}) ==
        "evaluation.metrics[0]: expected a metric like \"ndcg@100\" or \"recall@20\" (ndcg, recall, recall_ngcf, hitrate or "
        "precision, then @k with k >= 1), got \"ndcg\"");
  CHECK(error_of({{"evaluation", {{"metrics", {"ndcg@100", "NDCG@100"}}}}}) ==
        "evaluation.metrics[1]: duplicate metric \"ndcg@100\"");
  CHECK(error_of({{"evaluation", {{"batch_size", 10}}}}) ==
        "evaluation.batch_size: unknown key (did you mean \"batch_users\"? known: metrics, save_per_user, batch_users)");
  CHECK(error_of({{"selection", {{"metric", "ndcg@10"}}}}) ==
        "selection.metric: \"ndcg@10\" is not evaluated (evaluation.metrics: ndcg@100, recall@20, recall@50)");
  // Selecting on test users is for the given-split protocol's leaderboards only (test_given_protocol).
  CHECK(error_of({{"selection", {{"on", "test"}}}}) ==
        "selection.on: \"test\" is only for the given-split protocol (data.protocol \"given_split\"), where published "
        "leaderboards selected on the test users; select on validation");
  CHECK(error_of({{"selection", {{"on", "train"}}}}) == "selection.on: expected one of \"validation\", \"test\", got \"train\"");
  CHECK(error_of({{"selection", {{"per", {"rnak"}}}}}) ==
        "selection.per[0]: \"rnak\" is not a parameter of any solver in this config");
  CHECK(error_of({{"selection", {{"per", "rank"}}}}) == "selection.per: expected a list of strings, got \"rank\"");
  CHECK(error_of({{"execution", {{"rank_fits", "parallel"}}}}) ==
        "execution.rank_fits: expected one of \"shared\", \"independent\", got \"parallel\"");
  CHECK(error_of({{"output", {{"plots", {"heatmap"}}}}}) ==
        "output.plots[0]: expected one of metric_vs_rank, time_vs_rank, selected_params_vs_rank, approximation_gap, got \"heatmap\"");
  CHECK(error_of({{"output", {{"dir", 3}}}}) == "output.dir: expected a folder path, got 3");
  CHECK(error_of({{"output", {{"dri", "x"}}}}) == "output.dri: unknown key (did you mean \"dir\"? known: dir, plots)");
  CHECK(error_of({{"solvers", json::array()}}) == "solvers: expected a non-empty list of solver entries, got []");
  CHECK(error_of({{"solvers", {{"solver", "x"}}}}) == "solvers: expected a non-empty list of solver entries, got {\"solver\":\"x\"}");
}

TEST_CASE("malformed solver entries and grids") {
  {
    std::string known;
    for (const auto& name : test::test_registry().names()) known += (known.empty() ? "" : ", ") + name;
    CHECK(error_with_solver({{"solver", "admn"}}) == "solvers[0].solver: unknown solver \"admn\" (known: " + known + ")");
  }
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lamda", {1, 2}}}}}) ==
        "solvers[0].grid.lamda: unknown parameter of solver 'shrink' (known: rank, lambda, p, seed)");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lambda", {1, "abc"}}}}}) ==
        "solvers[0].grid.lambda[1]: expected a number >= 0, got \"abc\"");
  CHECK(error_with_solver({{"solver", "shrink"}, {"fixed", {{"p", 1.5}}}}) ==
        "solvers[0].fixed.p: expected a number in [0, 1), got 1.5");
  CHECK(error_with_solver({{"solver", "shrink"}, {"fixed", {{"lambda", 5}}}, {"grid", {{"lambda", {1, 2}}}}}) ==
        "solvers[0].grid.lambda: set both in \"fixed\" and in \"grid\"; keep one");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lambda", {{"logspace", {1, 3}}}}}}}) ==
        "solvers[0].grid.lambda.logspace: expected [start exponent, stop exponent, count] with finite exponents (base 10) "
        "and an integer count in [1, 1000], got [1,3]");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lambda", {{"logspace", {1, 3, 2.5}}}}}}}) ==
        "solvers[0].grid.lambda.logspace: expected [start exponent, stop exponent, count] with finite exponents (base 10) "
        "and an integer count in [1, 1000], got [1,3,2.5]");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lambda", {{"linspace", {1, 3, 3}}}}}}}) ==
        "solvers[0].grid.lambda.linspace: unknown key (did you mean \"logspace\"? known: logspace)");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lambda", json::array()}}}}) ==
        "solvers[0].grid.lambda: expected a non-empty list of values or {\"logspace\": [start, stop, count]}, got []");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"rank", {5, 10, 5}}}}}) ==
        "solvers[0].grid.rank[2]: duplicate value 5 (also at index 0)");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"rank", {0, 10}}}}}) ==
        "solvers[0].grid.rank[0]: expected a positive integer or \"full\", got 0");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"rank", {{"logspace", {0, 1, 20}}}}}}}) ==
        "solvers[0].grid.rank.logspace: rounding logspace values to integers gives 1 twice; use fewer points or an "
        "explicit list");
  CHECK(error_with_solver({{"solver", "shrink"}, {"id", "my id"}}) ==
        "solvers[0].id: expected a name of letters, digits, '.', '_' or '-' (not starting with '.', at most 100 "
        "characters), got \"my id\"");
  CHECK(error_with_solver({{"solver", "shrink"}, {"dtype", "double"}}) ==
        "solvers[0].dtype: expected one of \"float32\", \"float64\", got \"double\"");
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {1, 2}}}) ==
        "solvers[0].grid: expected an object of parameter -> list of values, got [1,2]");
  CHECK(error_with_solver({{"solver", "knobs"}}) ==
        "solvers[0].fixed.needed: required parameter of solver 'knobs' is missing (a number in [0, 1])");
  CHECK(error_with_solver({{"solver", "knobs"}, {"fixed", {{"needed", 0.5}}}, {"grid", {{"activation", {"relu", "elu"}}}}}) ==
        "solvers[0].grid.activation[1]: expected one of \"relu\", \"tanh\", got \"elu\"");
  CHECK(error_with_solver({{"solver", "knobs"}, {"fixed", {{"needed", 0.5}}}, {"grid", {{"activation", {{"logspace", {0, 1, 2}}}}}}}) ==
        "solvers[0].grid.activation.logspace: logspace needs a numeric parameter, but 'activation' expects one of \"relu\", \"tanh\"");
  CHECK(error_with_solver({{"solver", "knobs"}, {"fixed", {{"needed", 0.5}, {"hidden", {600, 0}}}}}) ==
        "solvers[0].fixed.hidden: expected a list of integers >= 1, got [600,0]");
  CHECK(error_with_solver({{"solver", "knobs"}, {"fixed", {{"needed", 0.5}, {"epochs", 2.5}}}}) ==
        "solvers[0].fixed.epochs: expected an integer in [1, 1000], got 2.5");
  CHECK(error_with_solver({{"solver", "shrink"}, {"seed", 3}}) ==
        "solvers[0].seed: unknown key (known: id, solver, fixed, grid, dtype)");
  // Duplicate ids: two entries of the same solver need their own ids.
  json config = valid_config();
  config["solvers"] = json::array({{{"solver", "shrink"}}, {{"solver", "shrink"}, {"fixed", {{"p", 0.5}}}}});
  CHECK_THROWS_WITH_AS(parse(config), "solvers[1].id: duplicate id \"shrink\" (also solvers[0]); give each entry its own \"id\"", Error);
  // Two grid values that print alike cannot get separate point files.
  CHECK(error_with_solver({{"solver", "shrink"}, {"grid", {{"lambda", {0.1, 0.10000000000000001 + 1e-17}}}}}) != "(no error)");
}

TEST_CASE("malformed data sections") {
  CHECK(error_of({{"data", {{"split_dir", "x"}}}}) ==
        "data: expected exactly one data source: \"format\" with \"path\" (raw interactions), \"split_dir\" (a vae_cf split "
        "folder) or \"synthetic\" (generator parameters)");
  CHECK(error_of({{"data", {{"synthetic", nullptr}, {"format", "movielens-csv"}, {"path", "no/such/ratings.csv"}}}}) ==
        "data.path: no such file or folder: " + std::filesystem::current_path().string() +
            "/no/such/ratings.csv (from \"no/such/ratings.csv\", relative to the config's folder)");
  CHECK(error_of({{"data", {{"synthetic", nullptr}, {"format", "movielens"}, {"path", "x"}}}}).rfind(
            "data.format: expected one of \"movielens-csv\", ", 0) == 0);
  test::TempDir dir;
  test::write_text(dir.file("ratings.csv"), "userId,movieId,rating,timestamp\n");
  CHECK(error_of({{"data", {{"synthetic", nullptr}, {"format", "movielens-csv"}, {"path", dir.file("ratings.csv")}, {"delimiter", ";"}}}}) ==
        "data.delimiter: only for format \"csv\"");
  CHECK(error_of({{"data", {{"heldout_users", nullptr}}}}) ==
        "data.heldout_users: required key is missing (the number H of validation users and of test users, an integer >= 1)");
  CHECK(error_of({{"data", {{"heldout_users", 0}}}}) == "data.heldout_users: expected an integer >= 1, got 0");
  CHECK(error_of({{"data", {{"min_uc", -5}}}}) == "data.min_uc: expected an integer >= 0, got -5");
  CHECK(error_of({{"data", {{"test_proportion", 1.5}}}}).rfind("data.test_proportion: expected a number in (0, 1]", 0) == 0);
  CHECK(error_of({{"data", {{"path", "x"}}}}) == "data.path: needs \"format\" (the raw input's format)");
  // A split folder is checked for its six files, and protocol options do not apply to it.
  test::write_text(dir.file("split/train.csv"), "uid,sid\n");
  CHECK(error_of({{"data", {{"synthetic", nullptr}, {"threshold", nullptr}, {"heldout_users", nullptr}, {"split_dir", dir.file("split")}}}}) ==
        "data.split_dir: not a vae_cf split folder: validation_tr.csv is missing in " + dir.file("split"));
  CHECK(error_of({{"data", {{"synthetic", nullptr}, {"heldout_users", nullptr}, {"split_dir", dir.file("split")}}}}) ==
        "data.threshold: only for raw or synthetic data (a split_dir is already split)");
  // Data paths are relative to the config's folder; a raw csv gets its options.
  json config = valid_config();
  config["data"] = {{"format", "csv"}, {"path", "ratings.csv"}, {"delimiter", "tab"}, {"header", false},
                    {"user_column", 0}, {"item_column", "item"}, {"heldout_users", 5}};
  const ExperimentConfig c = parse_experiment_config(config, ConfigLocation{dir.file("c.json"), dir.path(), "/"},
                                                     test::test_registry());
  CHECK(c.data.load.path == dir.file("ratings.csv"));
  CHECK(c.data.load.delimiter == '\t');
  CHECK(c.data.load.item_column == "item");
  CHECK(!c.data.split.threshold);
}

TEST_CASE("the shared sections for other experiment types: data and output dir by the same rules") {
  const json config = valid_config();
  const DataConfig data = parse_data_config(config, here());
  CHECK(data.kind == DataConfig::Kind::synthetic);
  CHECK(data.split.heldout_users == 20);
  CHECK(resolve_output_dir(config, ConfigLocation{"", "/cfg", "/work"}) == "/work/out/unit");
  CHECK(resolve_output_dir(json{{"name", "p"}}, ConfigLocation{"", "/cfg", "/work"}) == "/work/results/p");
  CHECK_THROWS_WITH_AS(parse_data_config(json{{"name", "p"}}, here()),
                       "data: required key is missing (an object describing the input data)", Error);
  const json bad = json::parse(R"({"data": {"synthetic": {"users": -1}, "heldout_users": 5}})");
  CHECK_THROWS_WITH_AS(parse_data_config(bad, here()), doctest::Contains("data.synthetic.users: "), Error);
}

TEST_CASE("experiment types, JSON syntax errors and --set overrides") {
  const Registry registry = test::test_registry();
  ExperimentRequest request;
  request.config = valid_config();
  request.config["experiment"] = "nope";
  request.registry = &registry;
  CHECK_THROWS_WITH_AS(run_experiment(request), "experiment: expected one of \"sweep\", \"proposition\", got \"nope\"", Error);
  request.config["experiment"] = 3;
  CHECK_THROWS_WITH_AS(run_experiment(request), "experiment: expected a string naming the experiment type, got 3", Error);

  CHECK_THROWS_WITH_AS(parse_json_text("{\n  \"name\": \"x\",\n  \"seed\": ,\n}", "c.json"),
                       doctest::Contains("c.json:3:11: invalid JSON: "), Error);

  json config = valid_config();
  apply_config_override(config, "solvers.0.grid.lambda=[3,4]", "/work");
  apply_config_override(config, "data.path=data/ratings.csv", "/work");
  apply_config_override(config, "output.dir=elsewhere", "/work");
  apply_config_override(config, "name=renamed", "/work");
  CHECK(config["solvers"][0]["grid"]["lambda"] == json::array({3, 4}));
  CHECK(config["data"]["path"] == "/work/data/ratings.csv");  // command-line paths are relative to the working dir
  CHECK(config["output"]["dir"] == "elsewhere");
  CHECK(config["name"] == "renamed");
  CHECK_THROWS_WITH_AS(apply_config_override(config, "solvers.5.id=x", "/"), "--set solvers.5.id: solvers has no element 5", Error);
  CHECK_THROWS_WITH_AS(apply_config_override(config, "novalue", "/"), "--set: expected key.path=value, got \"novalue\"", Error);
}

TEST_CASE("logspace: base 10, both ends included, rounded to 15 significant digits") {
  CHECK(logspace(1, 3, 3) == std::vector<double>{10, 100, 1000});
  const auto v = logspace(0, 1, 5);
  REQUIRE(v.size() == 5);
  CHECK(v[0] == 1);
  CHECK(v[4] == 10);
  CHECK(v[2] == doctest::Approx(std::sqrt(10.0)).epsilon(1e-14));
  CHECK(v[1] == 1.77827941003892);  // 10^0.25 to 15 digits
  CHECK(logspace(2.5, 2.5, 1) == std::vector<double>{316.227766016838});
  CHECK(logspace(3, 1, 3) == std::vector<double>{1000, 100, 10});  // descending when a > b
  const ParamSpec rank = test::rank_param();
  const GridAxis ranks = parse_grid_axis(rank, {{"logspace", {1, 3, 5}}}, "grid.rank");
  CHECK(axis_json(ranks) == std::vector<json>{10, 32, 100, 316, 1000});
}

TEST_CASE("grid expansion: sorted axes, last varies fastest, values in the written order, fixed merged") {
  const Registry registry = test::test_registry();
  const Solver& shrink = registry.get("shrink");
  std::vector<GridAxis> axes;
  for (const auto& spec : shrink.params()) {
    if (spec.name == "rank") axes.push_back(parse_grid_axis(spec, {"full", 3}, "g.rank"));
    if (spec.name == "lambda") axes.push_back(parse_grid_axis(spec, {100, 1}, "g.lambda"));
  }
  std::sort(axes.begin(), axes.end(), [](const GridAxis& a, const GridAxis& b) { return a.name < b.name; });
  const auto points = expand_grid(shrink, {{"p", 0.5}}, axes, "f");
  REQUIRE(points.size() == 4);
  CHECK(points[0].str() == "lambda=100,p=0.5,rank=full,seed=0");
  CHECK(points[1].str() == "lambda=100,p=0.5,rank=3,seed=0");
  CHECK(points[2].str() == "lambda=1,p=0.5,rank=full,seed=0");
  CHECK(points[3].str() == "lambda=1,p=0.5,rank=3,seed=0");
  // No axes: the single point of fixed values and defaults.
  const auto single = expand_grid(shrink, FixedParams(), {}, "f");
  REQUIRE(single.size() == 1);
  CHECK(single[0].str() == "lambda=10,p=0,rank=full,seed=0");
  // The config's grid expands the same way (axes sorted by name whatever the JSON order).
  const ExperimentConfig c = parse(valid_config());
  CHECK(c.solvers[0].points[0].str() == "lambda=1,p=0.25,rank=5,seed=42");
  CHECK(c.solvers[0].points[1].str() == "lambda=1,p=0.25,rank=2,seed=42");
  CHECK(c.solvers[0].points[8].str() == "lambda=100,p=0.25,rank=full,seed=42");
}

TEST_CASE("selection: groups per key value, best validation score, ties to the first in grid order") {
  const Registry registry = test::test_registry();
  const Solver& shrink = registry.get("shrink");
  std::vector<ParamSet> points;
  for (double lambda : {1.0, 10.0, 100.0})
    for (int rank : {2, 5}) points.push_back(shrink.make_params({{"lambda", lambda}, {"rank", rank}}));
  const double nan = std::nan("");
  //                               l=1,r=2  l=1,r=5  l=10,r=2 l=10,r=5 l=100,r=2 l=100,r=5
  const std::vector<double> scores = {0.30, 0.41, 0.35, 0.41, nan, 0.40};
  const auto groups = select_best(points, scores, {"rank"});
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].per_values.to_json() == json{{"rank", 2}});
  CHECK(groups[0].members == std::vector<std::size_t>{0, 2, 4});
  CHECK(groups[0].candidates == 2);  // the NaN point is not a candidate
  CHECK(*groups[0].chosen == 2);
  CHECK(groups[0].score == 0.35);
  CHECK(groups[0].ties == 0);
  CHECK(groups[1].per_values.to_json() == json{{"rank", 5}});
  CHECK(*groups[1].chosen == 1);  // 0.41 twice: the first in grid order wins
  CHECK(groups[1].ties == 1);
  // per = []: one group over all points; per = ["rank", "lambda"]: every point alone.
  const auto all = select_best(points, scores, {});
  REQUIRE(all.size() == 1);
  CHECK(*all[0].chosen == 1);
  CHECK(select_best(points, scores, {"rank", "lambda"}).size() == 6);
  // A group without any score has no selection.
  const auto none = select_best(points, std::vector<double>(6, nan), {"rank"});
  CHECK(!none[0].chosen);
  // Keys a solver lacks are ignored (popularity has no rank).
  const auto pop = select_best({ParamSet()}, {0.2}, {"rank"});
  REQUIRE(pop.size() == 1);
  CHECK(pop[0].per_values.to_json() == json::object());
}

TEST_CASE("every ready config in configs/ and the example of docs/CONFIG.md validate against the built-in solvers") {
  const Registry registry = builtin_registry();
  test::TempDir dir;
  test::write_text(dir.file("placeholder"), "");
  const std::string configs = test::source_path("configs");
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(configs)) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path().string());
    json config = read_config_file(entry.path().string(), {}, "/");
    // The large data sets are not on this machine: validate the rest against a placeholder input.
    if (config.at("data").contains("path") &&
        !std::filesystem::exists(std::filesystem::path(configs) / config.at("data").at("path").get<std::string>()))
      config["data"]["path"] = dir.file("placeholder");
    if (experiment_type(config) == "proposition") {  // its own reader (experiments/proposition_run.hpp)
      ExperimentRequest request;
      request.config = config;
      request.location = ConfigLocation{entry.path().string(), configs, "/"};
      request.registry = &registry;
      request.options.check_only = true;
      std::ostringstream report;
      request.options.out = &report;
      CHECK(run_experiment(request) == 0);
      CHECK(report.str().find("config OK: proposition experiment") == 0);
      ++checked;
      continue;
    }
    const ExperimentConfig c =
        parse_experiment_config(config, ConfigLocation{entry.path().string(), configs, "/"}, registry, {"approximation_gap"});
    if (config.contains("approximation_gap")) {  // the section has its own reader (experiments/gap/gap_config.hpp)
      nlohmann::json resolved;
      CHECK(parse_gap_config(config.at("approximation_gap"), "approximation_gap", c, registry, resolved).ranks.size() > 0);
    }
    CHECK(c.n_points() > 0);
    CHECK(c.output.dir == "/results/" + c.name);
    ++checked;
  }
  CHECK(checked >= 8);

  // The complete example of docs/CONFIG.md (its data path is relative to configs/).
  const std::string doc = test::read_text(test::source_path("docs/CONFIG.md"));
  const auto start = doc.find("```json\n"), end = doc.find("```\n", start + 8);
  REQUIRE(start != std::string::npos);
  json example = parse_json_text(doc.substr(start + 8, end - start - 8), "docs/CONFIG.md");
  if (!std::filesystem::exists(std::filesystem::path(configs) / example.at("data").at("path").get<std::string>()))
    example["data"]["path"] = dir.file("placeholder");
  const ExperimentConfig c = parse_experiment_config(example, ConfigLocation{"", configs, "/"}, registry);
  CHECK(c.solvers.size() == 4);
  CHECK(c.evaluation.save_per_user);
}
