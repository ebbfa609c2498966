#pragma once
// Reading a JSON document written by a person (an experiment config), with one-line errors that name
// the JSON path of the problem and what was expected:
//   solvers[2].grid.lambda[1]: expected a number >= 0, got "abc"
//   data.fromat: unknown key (did you mean "format"? known: format, path, threshold, ...)
// JsonObject checks the keys of one object up front against the allowed list, then hands out typed
// values; nested objects and arrays are read with child paths (path_of / element_path).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aelab {

// "a.b" from ("a", "b"), "b" from ("", "b").
std::string json_child_path(const std::string& path, const std::string& key);
// "a[3]".
std::string json_element_path(const std::string& path, std::size_t index);
// A JSON value shortened for messages ("\"abc\"", "[1,2,...]").
std::string json_show(const nlohmann::json& value);
// Throws aelab::Error("<path>: <message>") (or just the message at the root).
[[noreturn]] void json_fail(const std::string& path, const std::string& message);
// Parses JSON text with parse_json_checked (core/util/json_text.hpp): depth, duplicate keys, overflow.
nlohmann::json parse_json_text(const std::string& text, const std::string& source);

class JsonObject {
 public:
  // Throws when `value` is not an object or has a key outside `allowed` (the first unknown key, with
  // a did-you-mean suggestion when one allowed key is close).
  JsonObject(const nlohmann::json& value, std::string path, const std::vector<std::string>& allowed);

  const std::string& path() const { return path_; }
  std::string path_of(const std::string& key) const { return json_child_path(path_, key); }
  bool has(const std::string& key) const { return value_.contains(key); }
  const nlohmann::json* find(const std::string& key) const;
  // Throws "<path>.<key>: required key is missing (<expectation>)".
  const nlohmann::json& required(const std::string& key, const std::string& expectation) const;

  // Typed values; absent keys give the fallback (std::nullopt for the optional forms).
  std::optional<std::string> string(const std::string& key) const;
  std::string string(const std::string& key, const std::string& fallback) const;
  std::string required_string(const std::string& key) const;
  // One of `choices`.
  std::string choice(const std::string& key, const std::vector<std::string>& choices, const std::string& fallback) const;
  std::optional<double> number(const std::string& key, double min, double max, bool min_inclusive = true) const;
  double number(const std::string& key, double fallback, double min, double max, bool min_inclusive = true) const;
  std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max) const;
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  bool boolean(const std::string& key, bool fallback) const;
  // A list of strings (an empty list is allowed when allow_empty).
  std::optional<std::vector<std::string>> string_list(const std::string& key, bool allow_empty) const;

 private:
  const nlohmann::json& value_;
  std::string path_;
};

// Checks that `value` is an array; returns it. "<path>: expected <what>, got ...".
const nlohmann::json& json_array(const nlohmann::json& value, const std::string& path, const std::string& what);

}  // namespace aelab
