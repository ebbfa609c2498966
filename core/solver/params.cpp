#include "core/solver/params.hpp"

#include <cmath>

#include "core/util/error.hpp"
#include "core/util/json_text.hpp"
#include "core/util/number_text.hpp"

namespace aelab {

namespace {

std::string prefixed(const std::string& where, const std::string& message) {
  return where.empty() ? message : where + ": " + message;
}

std::string show(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

bool in_range(const ParamSpec& spec, double x) {
  if (spec.min_inclusive ? x < spec.min : x <= spec.min) return false;
  if (spec.max_inclusive ? x > spec.max : x >= spec.max) return false;
  return true;
}

std::string range_text(const ParamSpec& spec) {
  return aelab::range_text(spec.min, spec.max, spec.min_inclusive, spec.max_inclusive);
}

// JSON integers, and reals with an integral value (e.g. 1e3 from logspace), are accepted as integers.
bool as_integer(const nlohmann::json& value, std::int64_t& out) {
  if (value.is_number_integer()) {
    out = value.get<std::int64_t>();
    return true;
  }
  if (value.is_number_float()) {
    const double x = value.get<double>();
    if (std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 9.0e15) {
      out = static_cast<std::int64_t>(x);
      return true;
    }
  }
  return false;
}

}  // namespace

namespace {
// Integral bounds as integers ("9007199254740992", not "9.007199254740992e+15").
std::string bound_text(double x) {
  if (std::floor(x) == x && std::fabs(x) < 1e18) return std::to_string(static_cast<long long>(x));
  return round_trip_text(x);
}
}  // namespace

std::string range_text(double min, double max, bool min_inclusive, bool max_inclusive) {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  if (has_min && has_max)
    return std::string(" in ") + (min_inclusive ? "[" : "(") + bound_text(min) + ", " + bound_text(max) +
           (max_inclusive ? "]" : ")");
  if (has_min) return std::string(min_inclusive ? " >= " : " > ") + bound_text(min);
  if (has_max) return std::string(max_inclusive ? " <= " : " < ") + bound_text(max);
  return "";
}

ParamSpec param_spec(std::string name, ParamType type, nlohmann::json default_value, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(default_value);
  s.doc = std::move(doc);
  return s;
}

ParamSpec ranged(ParamSpec s, double min, double max, bool min_inclusive, bool max_inclusive) {
  s.min = min;
  s.max = max;
  s.min_inclusive = min_inclusive;
  s.max_inclusive = max_inclusive;
  return s;
}

ParamSpec choice(ParamSpec s, std::vector<std::string> choices) {
  s.choices = std::move(choices);
  return s;
}

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "real";
    case ParamType::boolean: return "boolean";
    case ParamType::string: return "string";
    case ParamType::rank: return "rank";
    case ParamType::integer_list: return "integer list";
  }
  return "?";
}

std::string ParamSpec::expectation() const {
  switch (type) {
    case ParamType::integer: return "an integer" + range_text(*this);
    case ParamType::real: return "a number" + range_text(*this);
    case ParamType::boolean: return "true or false";
    case ParamType::rank: return "a positive integer or \"full\"";
    case ParamType::integer_list: return "a list of integers" + range_text(*this);
    case ParamType::string: {
      if (choices.empty()) return "a string";
      std::string text = "one of ";
      for (std::size_t i = 0; i < choices.size(); ++i) text += (i ? ", " : "") + std::string("\"") + choices[i] + "\"";
      return text;
    }
  }
  return "?";
}

nlohmann::json ParamSpec::to_json() const {
  nlohmann::json j = {{"name", name}, {"type", param_type_name(type)}, {"default", default_value},
                      {"expected", expectation()}, {"doc", doc}};
  if (!choices.empty()) j["choices"] = choices;
  return j;
}

ParamValue validate_param_value(const ParamSpec& spec, const nlohmann::json& value, const std::string& where) {
  auto fail = [&]() -> Error { return Error(prefixed(where, "expected " + spec.expectation() + ", got " + show(value))); };
  switch (spec.type) {
    case ParamType::integer: {
      std::int64_t x = 0;
      if (!as_integer(value, x) || !in_range(spec, static_cast<double>(x))) throw fail();
      return x;
    }
    case ParamType::real: {
      if (!value.is_number()) throw fail();
      const double x = value.get<double>();
      if (!std::isfinite(x) || !in_range(spec, x)) throw fail();
      return x;
    }
    case ParamType::boolean:
      if (!value.is_boolean()) throw fail();
      return value.get<bool>();
    case ParamType::string: {
      if (!value.is_string()) throw fail();
      const std::string text = value.get<std::string>();
      if (!spec.choices.empty()) {
        bool known = false;
        for (const auto& c : spec.choices) known = known || c == text;
        if (!known) throw fail();
      }
      return text;
    }
    case ParamType::rank: {
      if (value.is_string() && value.get<std::string>() == "full") return Rank::full_rank();
      std::int64_t x = 0;
      if (!as_integer(value, x) || x < 1 || !in_range(spec, static_cast<double>(x))) throw fail();
      return Rank::of(static_cast<std::uint64_t>(x));
    }
    case ParamType::integer_list: {
      if (!value.is_array()) throw fail();
      std::vector<std::int64_t> out;
      for (const auto& item : value) {
        std::int64_t x = 0;
        if (!as_integer(item, x) || !in_range(spec, static_cast<double>(x))) throw fail();
        out.push_back(x);
      }
      return out;
    }
  }
  throw fail();
}

nlohmann::json param_value_json(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, Rank>) return v.to_json();
        else return nlohmann::json(v);
      },
      value);
}

std::string param_value_text(const ParamValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) return v;
        else if constexpr (std::is_same_v<V, double>) return round_trip_text(v);
        else if constexpr (std::is_same_v<V, Rank>) return v.str();
        else return nlohmann::json(v).dump();
      },
      value);
}

ParamSet validate_params(const std::string& solver_name, const std::vector<ParamSpec>& specs,
                         const nlohmann::json& given, const std::string& where) {
  if (!given.is_object()) throw Error(prefixed(where, "expected an object of parameters, got " + show(given)));
  const std::string dot = where.empty() ? "" : where + ".";
  for (const auto& item : given.items()) {
    bool known = false;
    for (const auto& s : specs) known = known || s.name == item.key();
    if (!known) {
      std::string names;
      for (const auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
      throw Error(dot + item.key() + ": unknown parameter of solver '" + solver_name + "' (known: " +
                  (names.empty() ? "none" : names) + ")");
    }
  }
  ParamSet out;
  for (const auto& s : specs) {
    if (given.contains(s.name)) {
      out.values_[s.name] = validate_param_value(s, given.at(s.name), dot + s.name);
    } else if (s.default_value.is_null()) {
      throw Error(dot + s.name + ": required parameter of solver '" + solver_name + "' is missing (" + s.expectation() + ")");
    } else {
      out.values_[s.name] = validate_param_value(s, s.default_value, dot + s.name);
    }
  }
  return out;
}

const ParamValue& ParamSet::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw Error("parameter '" + name + "' is not defined for this solver");
  return it->second;
}

namespace {
template <typename V>
const V& typed(const ParamValue& value, const std::string& name) {
  if (const V* v = std::get_if<V>(&value)) return *v;
  throw Error("parameter '" + name + "' does not have the type this solver reads it as");
}
}  // namespace

double ParamSet::real(const std::string& name) const { return typed<double>(get(name), name); }
std::int64_t ParamSet::integer(const std::string& name) const { return typed<std::int64_t>(get(name), name); }
bool ParamSet::boolean(const std::string& name) const { return typed<bool>(get(name), name); }
std::string ParamSet::string(const std::string& name) const { return typed<std::string>(get(name), name); }
Rank ParamSet::rank(const std::string& name) const { return typed<Rank>(get(name), name); }
std::vector<std::int64_t> ParamSet::integer_list(const std::string& name) const {
  return typed<std::vector<std::int64_t>>(get(name), name);
}

ParamSet ParamSet::with(const std::string& name, ParamValue value) const {
  if (get(name).index() != value.index())
    throw Error("parameter '" + name + "': a value of another type cannot replace " + param_value_text(get(name)));
  ParamSet copy = *this;
  copy.values_[name] = std::move(value);
  return copy;
}

ParamSet ParamSet::without(const std::string& name) const {
  ParamSet copy = *this;
  copy.values_.erase(name);
  return copy;
}

ParamSet ParamSet::only(const std::vector<std::string>& names) const {
  ParamSet subset;
  for (const auto& name : names)
    if (const auto it = values_.find(name); it != values_.end()) subset.values_[name] = it->second;
  return subset;
}

ParamSet ParamSet::merged(const ParamSet& o) const {
  ParamSet out = *this;
  for (const auto& [name, value] : o.values_) out.values_[name] = value;
  return out;
}

bool ParamSet::agrees_with(const ParamSet& o) const {
  for (const auto& [name, value] : values_)
    if (const auto it = o.values_.find(name); it != o.values_.end() && !(it->second == value)) return false;
  return true;
}

std::string ParamSet::str() const {
  std::string text;
  for (const auto& [name, value] : values_) text += (text.empty() ? "" : ",") + name + "=" + param_value_text(value);
  return text;
}

nlohmann::json ParamSet::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : values_) out[name] = param_value_json(value);
  return out;
}

bool ParamSet::operator==(const ParamSet& o) const { return values_ == o.values_; }

nlohmann::json parse_cli_value(const std::string& text) {
  if (text.empty()) return text;
  // Text that is not (checked) JSON is a string value; the key's own validation then reports it.
  nlohmann::json parsed;
  try {
    parsed = parse_json_checked(text, "the value");
  } catch (const Error&) {
    return text;
  }
  if (parsed.is_number() || parsed.is_boolean() || parsed.is_array() || parsed.is_object()) return parsed;
  return text;
}

}  // namespace aelab
