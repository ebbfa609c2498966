#include "experiments/common/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/solver/params.hpp"
#include "core/util/error.hpp"
#include "core/util/json_text.hpp"

namespace aelab {

namespace {

std::string number_expectation(const char* noun, double min, double max, bool min_inclusive) {
  return noun + range_text(min, max, min_inclusive, /*max_inclusive=*/true);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string json_child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string json_element_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string json_show(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

void json_fail(const std::string& path, const std::string& message) {
  throw Error(path.empty() ? message : path + ": " + message);
}

nlohmann::json parse_json_text(const std::string& text, const std::string& source) {
  return parse_json_checked(text, source);
}

JsonObject::JsonObject(const nlohmann::json& value, std::string path, const std::vector<std::string>& allowed)
    : value_(value), path_(std::move(path)) {
  if (!value_.is_object()) json_fail(path_, "expected an object, got " + json_show(value_));
  for (const auto& item : value_.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    std::string known, suggestion;
    std::size_t best = 3;
    for (const auto& a : allowed) {
      known += (known.empty() ? "" : ", ") + a;
      // Close in spelling, or sharing a long prefix ("batch_size" for "batch_users").
      std::size_t d = edit_distance(item.key(), a);
      if (d >= 3 && item.key().size() >= 5 && a.compare(0, 5, item.key(), 0, 5) == 0) d = 2;
      if (d < best) {
        best = d;
        suggestion = a;
      }
    }
    json_fail(path_of(item.key()), "unknown key (" + (suggestion.empty() ? "" : "did you mean \"" + suggestion + "\"? ") +
                                       "known: " + (known.empty() ? "none" : known) + ")");
  }
}

const nlohmann::json* JsonObject::find(const std::string& key) const {
  auto it = value_.find(key);
  return it == value_.end() ? nullptr : &*it;
}

const nlohmann::json& JsonObject::required(const std::string& key, const std::string& expectation) const {
  if (const auto* v = find(key)) return *v;
  json_fail(path_of(key), "required key is missing (" + expectation + ")");
}

std::optional<std::string> JsonObject::string(const std::string& key) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) json_fail(path_of(key), "expected a string, got " + json_show(*v));
  return v->get<std::string>();
}

std::string JsonObject::string(const std::string& key, const std::string& fallback) const {
  return string(key).value_or(fallback);
}

std::string JsonObject::required_string(const std::string& key) const {
  required(key, "a string");
  return *string(key);
}

std::string JsonObject::choice(const std::string& key, const std::vector<std::string>& choices,
                               const std::string& fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  std::string expected = "one of ";
  for (std::size_t i = 0; i < choices.size(); ++i) expected += (i ? ", \"" : "\"") + choices[i] + "\"";
  if (!v->is_string() || std::find(choices.begin(), choices.end(), v->get<std::string>()) == choices.end())
    json_fail(path_of(key), "expected " + expected + ", got " + json_show(*v));
  return v->get<std::string>();
}

std::optional<double> JsonObject::number(const std::string& key, double min, double max, bool min_inclusive) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  const double x = v->is_number() ? v->get<double>() : std::numeric_limits<double>::quiet_NaN();
  const bool ok = v->is_number() && std::isfinite(x) && (min_inclusive ? x >= min : x > min) && x <= max;
  if (!ok) json_fail(path_of(key), "expected " + number_expectation("a number", min, max, min_inclusive) + ", got " + json_show(*v));
  return x;
}

double JsonObject::number(const std::string& key, double fallback, double min, double max, bool min_inclusive) const {
  return number(key, min, max, min_inclusive).value_or(fallback);
}

std::optional<std::int64_t> JsonObject::integer(const std::string& key, std::int64_t min, std::int64_t max) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  bool ok = false;
  std::int64_t x = 0;
  if (v->is_number_integer()) {
    // Unsigned values beyond int64 are out of range for every key here.
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
      ok = false;
    } else {
      x = v->get<std::int64_t>();
      ok = true;
    }
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15) {
      x = static_cast<std::int64_t>(d);
      ok = true;
    }
  }
  ok = ok && x >= min && x <= max;
  if (!ok)
    json_fail(path_of(key), "expected " +
                                number_expectation("an integer", static_cast<double>(min),
                                                   max == std::numeric_limits<std::int64_t>::max()
                                                       ? std::numeric_limits<double>::infinity()
                                                       : static_cast<double>(max),
                                                   true) +
                                ", got " + json_show(*v));
  return x;
}

std::int64_t JsonObject::integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
  return integer(key, min, max).value_or(fallback);
}

bool JsonObject::boolean(const std::string& key, bool fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  if (!v->is_boolean()) json_fail(path_of(key), "expected true or false, got " + json_show(*v));
  return v->get<bool>();
}

std::optional<std::vector<std::string>> JsonObject::string_list(const std::string& key, bool allow_empty) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  const std::string what = allow_empty ? "a list of strings" : "a non-empty list of strings";
  if (!v->is_array() || (!allow_empty && v->empty())) json_fail(path_of(key), "expected " + what + ", got " + json_show(*v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_string()) json_fail(json_element_path(path_of(key), i), "expected a string, got " + json_show(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

const nlohmann::json& json_array(const nlohmann::json& value, const std::string& path, const std::string& what) {
  if (!value.is_array()) json_fail(path, "expected " + what + ", got " + json_show(value));
  return value;
}

}  // namespace aelab
