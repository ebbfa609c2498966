#pragma once
// The checks of aelab's command-line options, as CLI11 validators whose failure reads
// "expects <what>, got "<text>"" (CommandLine turns it into "<command>: --name expects ..."). Attach
// them with ->check(...) (ranges, sets, paths) or ->transform(...) (those that rewrite the text:
// integer, number); CommandLine::option attaches integer/number by the target's type.
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>

namespace aelab::cli {

// `check` (any CLI11 validator or transformer) with aelab's wording: "expects <what>, got "<text>"".
CLI::Validator expects(CLI::Validator check, std::string what);

// A decimal integer of type T (unsigned: non-negative). CLI11 2.1 itself reads integers with
// strtoll(..., base 0) ("010" is 8, "0x10" 16) and lets an unsigned target wrap "-2", so this
// transformer reads the text with from_chars and hands CLI11 the canonical decimal.
template <typename T>
CLI::Validator integer() {
  static_assert(std::is_integral_v<T>);
  // 64-bit types read the whole range of a long long (or unsigned long long); narrower ones name their bounds.
  const std::string what =
      sizeof(T) < 8 ? "an integer in [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
                          std::to_string(std::numeric_limits<T>::max()) + "]"
                    : (std::is_unsigned_v<T> ? "a non-negative integer" : "an integer");
  return expects(CLI::Validator(
                     [](std::string& text) -> std::string {
                       T value = 0;
                       const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
                       if (text.empty() || error != std::errc() || end != text.data() + text.size()) return "not an integer";
                       text = std::to_string(value);
                       return "";
                     },
                     ""),
                 what);
}

// A finite decimal number, read as strtod reads it. The text handed on to CLI11 is the value's exact
// hexadecimal form, because CLI11 converts through strtold and a cast, which can round twice.
CLI::Validator number();

// Integer bounds (after integer<T>()): "an integer >= lo" ("a positive integer" for lo = 1), "an
// integer in [lo, hi]".
CLI::Validator integer_at_least(long long lo);
CLI::Validator integer_in(long long lo, long long hi);
// Number bounds (after number()): "a number >= lo", "a number in [lo, hi]".
CLI::Validator number_at_least(double lo);
CLI::Validator number_in(double lo, double hi);
CLI::Validator number_in_open(double lo, double hi);  // "a number in (lo, hi)"

// One of `names`: "expects a or b" / "expects one of a, b, c".
CLI::Validator one_of(const std::vector<std::string>& names);

CLI::Validator existing_file();
CLI::Validator existing_folder();
CLI::Validator existing_path();  // a file or a folder
CLI::Validator non_empty(const std::string& what);  // e.g. non_empty("a column")

// "10,100,1000": positive decimal integers separated by commas; `or_none`: the word "none" as well.
CLI::Validator positive_integer_list(bool or_none = false);
// The list a positive_integer_list() check accepted (the caller handles "none"). Throws aelab::Error
// "<command>: <option> expects positive integers separated by commas, got "<text>"" otherwise.
std::vector<std::size_t> positive_integers(const std::string& text, const std::string& command, const std::string& option);

// "a or b", "one of a, b, c": how the messages above list choices.
std::string choice_text(const std::vector<std::string>& names);

}  // namespace aelab::cli
