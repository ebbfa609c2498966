#pragma once
// Named, typed, defaulted and range-checked solver parameters (the "parameter specification" every
// solver publishes). A ParamSet holds typed values (ParamValue) checked against the specification;
// JSON is only how they arrive from configs and how they leave in result files. Validation errors are
// one line naming the parameter (and, from configs, its JSON path) and what was expected.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace aelab {

// A model rank: a positive integer or "full" (k = n, the number of items).
struct Rank {
  bool full = false;
  std::uint64_t k = 0;
  static Rank full_rank() { return Rank{true, 0}; }
  static Rank of(std::uint64_t k) { return Rank{false, k}; }
  // k for a catalogue of n items (full -> n; a finite k larger than n is an error the solver reports).
  std::uint64_t resolve(std::uint64_t n_items) const { return full ? n_items : k; }
  std::string str() const { return full ? "full" : std::to_string(k); }
  nlohmann::json to_json() const { return full ? nlohmann::json("full") : nlohmann::json(k); }
  bool operator==(const Rank& o) const { return full == o.full && (full || k == o.k); }
  bool operator!=(const Rank& o) const { return !(*this == o); }
  // Finite ranks ascending, full last.
  bool operator<(const Rank& o) const { return full ? false : (o.full ? true : k < o.k); }
};

enum class ParamType { integer, real, boolean, string, rank, integer_list };

const char* param_type_name(ParamType t);

// One parameter value, in the representation of its ParamType.
using ParamValue = std::variant<std::int64_t, double, bool, std::string, Rank, std::vector<std::int64_t>>;

nlohmann::json param_value_json(const ParamValue& value);
// Strings as they are, numbers by round_trip_text, ranks as "full" or k, lists as JSON ("[600,200]").
std::string param_value_text(const ParamValue& value);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::real;
  nlohmann::json default_value;  // null: the parameter is required
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  bool max_inclusive = true;
  std::vector<std::string> choices;  // allowed values of a string parameter (empty: any string)
  std::string doc;                   // one line

  // "a number >= 0", "an integer in [1, 100]", "one of relu, tanh", "a positive integer or \"full\"", ...
  std::string expectation() const;
  nlohmann::json to_json() const;
};

// Builders, so that a solver's parameter list reads as one table:
//   ranged(param_spec("lr", ParamType::real, 1e-3, "Adam learning rate"), 0, inf, /*min_inclusive=*/false)
ParamSpec param_spec(std::string name, ParamType type, nlohmann::json default_value, std::string doc);
ParamSpec ranged(ParamSpec s, double min, double max, bool min_inclusive = true, bool max_inclusive = true);
ParamSpec choice(ParamSpec s, std::vector<std::string> choices);

// The range part of an expectation: " in [0, 1)", " >= 0", " < 1", or "" when both bounds are
// infinite. Shared by parameter specs and the config reader's number checks.
std::string range_text(double min, double max, bool min_inclusive, bool max_inclusive);

// Checks one JSON value against its spec and returns it typed (integral reals such as 1e3 become
// integers where integers are expected). `where` prefixes the error, e.g. "solvers[2].grid.lambda[1]".
ParamValue validate_param_value(const ParamSpec& spec, const nlohmann::json& value, const std::string& where);

// A complete, validated parameter assignment for one solver: every parameter of its specification
// present, keys sorted.
class ParamSet {
 public:
  ParamSet() = default;

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool empty() const { return values_.empty(); }
  const ParamValue& get(const std::string& name) const;  // throws when the solver has no such parameter
  double real(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  bool boolean(const std::string& name) const;
  std::string string(const std::string& name) const;
  Rank rank(const std::string& name) const;
  std::vector<std::int64_t> integer_list(const std::string& name) const;
  const std::map<std::string, ParamValue>& items() const { return values_; }

  // A copy with one value set (rank sweeps, variants); the value must have the parameter's type.
  ParamSet with(const std::string& name, ParamValue value) const;
  // A copy without one parameter (e.g. the rank, to group the points of a rank sweep).
  ParamSet without(const std::string& name) const;
  // The subset of `names` this set has (e.g. the values that define a selection group).
  ParamSet only(const std::vector<std::string>& names) const;
  // Both sets' values (o's where both have a name).
  ParamSet merged(const ParamSet& o) const;
  // Every name both sets have holds the same value.
  bool agrees_with(const ParamSet& o) const;
  // "lambda=500,p=0.33,rank=100": stable, sorted by name, used in file names and logs.
  std::string str() const;
  nlohmann::json to_json() const;  // {"lambda": 500.0, "p": 0.33, "rank": 100}

  bool operator==(const ParamSet& o) const;
  bool operator!=(const ParamSet& o) const { return !(*this == o); }

 private:
  friend ParamSet validate_params(const std::string&, const std::vector<ParamSpec>&, const nlohmann::json&,
                                  const std::string&);
  std::map<std::string, ParamValue> values_;
};

// Validates `given` (a JSON object) against `specs`: unknown names, wrong types, out-of-range values
// and missing required parameters are errors; absent parameters take their defaults.
// `where` is the JSON path of the object ("" on the command line, "solvers[0].fixed" in configs).
ParamSet validate_params(const std::string& solver_name, const std::vector<ParamSpec>& specs,
                         const nlohmann::json& given, const std::string& where = "");

// Parses a command-line value ("500", "0.33", "full", "true", "[600,200]") into JSON for validation.
nlohmann::json parse_cli_value(const std::string& text);

}  // namespace aelab
