#include "experiments/sweep/grid.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/util/error.hpp"
#include "core/util/number_text.hpp"
#include "experiments/common/json_reader.hpp"

namespace aelab {

namespace {

double round_significant(double x, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, x);
  return std::strtod(text, nullptr);
}

bool is_integral_type(ParamType t) { return t == ParamType::integer || t == ParamType::rank; }

}  // namespace

std::vector<double> logspace(double a, double b, std::size_t count) {
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i) {
    // The last exponent is b itself, not a + (b - a), which can differ in the last bit.
    const double exponent = count == 1 ? a : (i + 1 == count ? b : a + (b - a) * double(i) / double(count - 1));
    out.push_back(round_significant(std::pow(10.0, exponent), 15));
  }
  return out;
}

GridAxis parse_grid_axis(const ParamSpec& spec, const nlohmann::json& value, const std::string& path) {
  GridAxis axis;
  axis.name = spec.name;
  if (value.is_object()) {
    JsonObject object(value, path, {"logspace"});
    const auto& args = object.required("logspace", "[start exponent, stop exponent, count]");
    const std::string where = object.path_of("logspace");
    const char* expected = "expected [start exponent, stop exponent, count] with finite exponents (base 10) and an "
                           "integer count in [1, 1000], got ";
    if (!args.is_array() || args.size() != 3 || !args[0].is_number() || !args[1].is_number() || !args[2].is_number())
      json_fail(where, expected + json_show(args));
    const double a = args[0].get<double>(), b = args[1].get<double>(), count = args[2].get<double>();
    if (!std::isfinite(a) || !std::isfinite(b) || std::fabs(a) > 300 || std::fabs(b) > 300 || std::floor(count) != count ||
        count < 1 || count > 1000)
      json_fail(where, expected + json_show(args));
    if (spec.type != ParamType::real && !is_integral_type(spec.type))
      json_fail(where, "logspace needs a numeric parameter, but '" + spec.name + "' expects " + spec.expectation());
    const auto values = logspace(a, b, static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < values.size(); ++i) {
      const nlohmann::json given =
          is_integral_type(spec.type) ? nlohmann::json(std::llround(values[i])) : nlohmann::json(values[i]);
      ParamValue v = validate_param_value(spec, given, json_element_path(where, i));
      for (const auto& earlier : axis.values)
        if (earlier == v)
          json_fail(where, "rounding logspace values to integers gives " + param_value_text(v) +
                               " twice; use fewer points or an explicit list");
      axis.values.push_back(std::move(v));
    }
    return axis;
  }
  if (!value.is_array() || value.empty())
    json_fail(path, "expected a non-empty list of values or {\"logspace\": [start, stop, count]}, got " + json_show(value));
  for (std::size_t i = 0; i < value.size(); ++i) {
    ParamValue v = validate_param_value(spec, value[i], json_element_path(path, i));
    for (std::size_t j = 0; j < axis.values.size(); ++j) {
      if (axis.values[j] == v)
        json_fail(json_element_path(path, i),
                  "duplicate value " + param_value_text(v) + " (also at index " + std::to_string(j) + ")");
      // Distinct doubles that agree to 15 significant digits are almost surely one value typed twice.
      const double* a = std::get_if<double>(&axis.values[j]);
      const double* b = std::get_if<double>(&v);
      if (a && b && significant_text(*a, 15) == significant_text(*b, 15))
        json_fail(json_element_path(path, i), "value " + param_value_text(v) + " equals " + param_value_text(*a) +
                                                  " (index " + std::to_string(j) + ") to 15 significant digits");
    }
    axis.values.push_back(std::move(v));
  }
  return axis;
}

std::size_t grid_size(const std::vector<GridAxis>& axes) {
  std::size_t size = 1;
  for (const auto& axis : axes) {
    if (axis.values.empty()) return 0;
    if (size > std::numeric_limits<std::size_t>::max() / axis.values.size()) return std::numeric_limits<std::size_t>::max();
    size *= axis.values.size();
  }
  return size;
}

std::vector<ParamSet> expand_grid(const Solver& solver, const FixedParams& fixed, const std::vector<GridAxis>& axes,
                                  const std::string& path) {
  std::vector<ParamSet> points;
  std::vector<std::size_t> index(axes.size(), 0);
  nlohmann::json base = nlohmann::json::object();
  for (const auto& [name, value] : fixed) base[name] = param_value_json(value);
  for (;;) {
    nlohmann::json given = base;
    for (std::size_t a = 0; a < axes.size(); ++a) given[axes[a].name] = param_value_json(axes[a].values[index[a]]);
    points.push_back(solver.make_params(given, path));
    // Odometer increment: the last axis varies fastest.
    std::size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++index[a] < axes[a].values.size()) break;
      index[a] = 0;
      if (a == 0) return points;
    }
    if (axes.empty()) return points;
  }
}

}  // namespace aelab
