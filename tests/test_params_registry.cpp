// Parameter specifications, validation messages and the solver registry.
#include <doctest/doctest.h>

#include "core/solver/registry.hpp"
#include "solvers/builtin.hpp"
#include "solvers/popularity/popularity.hpp"

using namespace aelab;

namespace {
std::vector<ParamSpec> specs() {
  ParamSpec lambda{"lambda", ParamType::real, 500.0, 0, arma::datum::inf, true, true, {}, "L2 weight"};
  ParamSpec p{"p", ParamType::real, 0.0, 0, 1, true, false, {}, "dropout probability"};
  ParamSpec rank{"rank", ParamType::rank, "full", 1, arma::datum::inf, true, true, {}, "model rank"};
  ParamSpec epochs{"epochs", ParamType::integer, 10, 1, 100000, true, true, {}, "epochs"};
  ParamSpec act{"activation", ParamType::string, "tanh", -arma::datum::inf, arma::datum::inf, true, true, {"relu", "tanh"}, "act"};
  ParamSpec hidden{"hidden", ParamType::integer_list, nlohmann::json::array(), 1, arma::datum::inf, true, true, {}, "widths"};
  return {lambda, p, rank, epochs, act, hidden};
}
}  // namespace

TEST_CASE("defaults fill in, values are canonical, str() is sorted and stable") {
  const ParamSet ps = validate_params("s", specs(), {{"p", 0.25}, {"epochs", 20.0}, {"rank", 100}});
  CHECK(ps.real("lambda") == 500.0);
  CHECK(ps.integer("epochs") == 20);
  CHECK(ps.rank("rank") == Rank::of(100));
  CHECK(ps.string("activation") == "tanh");
  CHECK(ps.str() == "activation=tanh,epochs=20,hidden=[],lambda=500,p=0.25,rank=100");
  CHECK(validate_params("s", specs(), nlohmann::json::object()).rank("rank").full);
}

TEST_CASE("validation errors name the parameter and what was expected") {
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"lamda", 1}}),
                       "lamda: unknown parameter of solver 's' (known: lambda, p, rank, epochs, activation, hidden)", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"lambda", -1}}), "lambda: expected a number >= 0, got -1", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"p", 1.0}}), "p: expected a number in [0, 1), got 1.0", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"rank", 0}}), "rank: expected a positive integer or \"full\", got 0", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"epochs", 2.5}}), "epochs: expected an integer in [1, 100000], got 2.5", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"activation", "elu"}}),
                       "activation: expected one of \"relu\", \"tanh\", got \"elu\"", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"lambda", "abc"}}, "solvers[2].fixed"),
                       "solvers[2].fixed.lambda: expected a number >= 0, got \"abc\"", Error);
  CHECK_THROWS_WITH_AS(validate_params("s", specs(), {{"hidden", {600, 0}}}),
                       "hidden: expected a list of integers >= 1, got [600,0]", Error);
}

TEST_CASE("registry: explicit registration, unknown names, duplicate names, spec strings round-trip") {
  Registry registry = builtin_registry();
  CHECK(registry.find("popularity") != nullptr);
  CHECK_THROWS_WITH_AS(registry.get("nope"), doctest::Contains("unknown solver 'nope' (known: "), Error);
  CHECK_THROWS_AS(registry.add(make_popularity_solver()), Error);
  const SolverSpec spec = parse_solver_spec(registry, "popularity");
  CHECK(spec.str() == "popularity");
  CHECK(parse_solver_spec(registry, spec.str()).str() == spec.str());
  CHECK_THROWS_WITH_AS(parse_solver_spec(registry, "popularity:x=1"), doctest::Contains("x: unknown parameter"), Error);
  CHECK_THROWS_WITH_AS(parse_solver_spec(registry, "popularity:x"), doctest::Contains("expected key=value"), Error);
}

TEST_CASE("command-line values parse as JSON where they can") {
  CHECK(parse_cli_value("500") == nlohmann::json(500));
  CHECK(parse_cli_value("0.33") == nlohmann::json(0.33));
  CHECK(parse_cli_value("full") == nlohmann::json("full"));
  CHECK(parse_cli_value("true") == nlohmann::json(true));
  CHECK(parse_cli_value("[600,200]") == nlohmann::json({600, 200}));
}
