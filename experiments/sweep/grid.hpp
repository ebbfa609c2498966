#pragma once
// Hyperparameter grids of one solver entry: "grid" values are lists or {"logspace": [a, b, count]},
// "fixed" values are single values; the points are the Cartesian product of the grid axes merged with
// the fixed values and the solver's defaults, every value validated by the solver's ParamSpec.
//
// Order ("grid order"): axes sorted by parameter name, the last name varying fastest, each axis in the
// order its values were written (logspace ascending from a to b). Selection ties are broken by it.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/solver/params.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

struct GridAxis {
  std::string name;
  std::vector<ParamValue> values;  // validated, in grid order
};

// Fixed values of an entry: parameter name -> validated value.
using FixedParams = std::map<std::string, ParamValue>;

// 10^(a + i (b - a) / (count - 1)) for i = 0..count-1 (base 10, both ends included, like
// numpy.logspace), each rounded to 15 significant digits so that 10^2 is exactly 100 and the value
// printed in file names is the value used. count = 1 gives 10^a alone.
std::vector<double> logspace(double a, double b, std::size_t count);

// Parses one grid entry at `path` ("solvers[0].grid.lambda"): a non-empty list of distinct values, or
// {"logspace": [a, b, count]}. Integer and rank parameters round logspace values to the nearest
// integer (rounding that makes two values equal is an error). Every value goes through
// validate_param_value, so errors read "solvers[0].grid.lambda[1]: expected a number >= 0, got \"abc\"".
GridAxis parse_grid_axis(const ParamSpec& spec, const nlohmann::json& value, const std::string& path);

// Every point of the grid, in grid order: `fixed` (canonical values) merged with one value per axis,
// defaults filled in by the solver's specification. No axes: the single point `fixed`.
std::vector<ParamSet> expand_grid(const Solver& solver, const FixedParams& fixed, const std::vector<GridAxis>& axes,
                                  const std::string& path);

// The number of points expand_grid would make (the product of the axis sizes), saturating at SIZE_MAX.
std::size_t grid_size(const std::vector<GridAxis>& axes);

}  // namespace aelab
