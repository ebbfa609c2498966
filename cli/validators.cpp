#include "cli/validators.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "cli/text_format.hpp"
#include "core/util/error.hpp"

namespace aelab::cli {

namespace {

std::string integer_text(long long x) { return std::to_string(x); }

// "10,100,1000" -> {10, 100, 1000}; false on an empty list, an empty item, a non-decimal or
// out-of-range item (from_chars: an error, not a clamp) or a zero.
bool parse_positive_integers(const std::string& text, std::vector<std::size_t>& out) {
  out.clear();
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const char* first = text.data() + start;
    const char* last = text.data() + comma;
    long long v = 0;
    const auto [end, error] = std::from_chars(first, last, v);
    if (first == last || error != std::errc() || end != last || v < 1) return false;
    out.push_back(static_cast<std::size_t>(v));
    start = comma + 1;
  }
  return true;
}

}  // namespace

namespace {

// number() hands later checks the value as exact hexadecimal text ("0x1.8p+0"); a message shows it
// as the decimal number the user typed.
std::string as_typed(const std::string& text) {
  const bool exact_hex = (text.rfind("0x", 0) == 0 || text.rfind("-0x", 0) == 0) && text.find('p') != std::string::npos;
  if (!exact_hex) return text;
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  return *end == '\0' && end != text.c_str() + 2 ? number_text(x) : text;
}

}  // namespace

CLI::Validator expects(CLI::Validator check, std::string what) {
  return CLI::Validator(
      [check = std::move(check), what = std::move(what)](std::string& text) -> std::string {
        const std::string given = text;
        if (check(text).empty()) return "";
        text = given;
        return "expects " + what + ", got \"" + as_typed(given) + "\"";
      },
      "");
}

CLI::Validator number() {
  return expects(CLI::Validator(
                     [](std::string& text) -> std::string {
                       char* end = nullptr;
                       errno = 0;
                       const double x = std::strtod(text.c_str(), &end);
                       if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(x)) return "not a number";
                       char exact[64];
                       std::snprintf(exact, sizeof exact, "%a", x);
                       text = exact;
                       return "";
                     },
                     ""),
                 "a number");
}

CLI::Validator integer_at_least(long long lo) {
  return expects(CLI::Range(lo, std::numeric_limits<long long>::max()),
                 lo == 1 ? std::string("a positive integer") : "an integer >= " + integer_text(lo));
}

CLI::Validator integer_in(long long lo, long long hi) {
  return expects(CLI::Range(lo, hi), "an integer in [" + integer_text(lo) + ", " + integer_text(hi) + "]");
}

CLI::Validator number_at_least(double lo) {
  return expects(CLI::Range(lo, std::numeric_limits<double>::infinity()), "a number >= " + number_text(lo));
}

CLI::Validator number_in(double lo, double hi) {
  return expects(CLI::Range(lo, hi), "a number in [" + number_text(lo) + ", " + number_text(hi) + "]");
}

CLI::Validator number_in_open(double lo, double hi) {
  return expects(CLI::Validator(
                     [lo, hi](std::string& text) -> std::string {
                       const double x = std::strtod(text.c_str(), nullptr);
                       return x > lo && x < hi ? "" : "out of range";
                     },
                     ""),
                 "a number in (" + number_text(lo) + ", " + number_text(hi) + ")");
}

std::string choice_text(const std::vector<std::string>& names) {
  if (names.size() == 2) return names[0] + " or " + names[1];
  std::string text = "one of ";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text;
}

CLI::Validator one_of(const std::vector<std::string>& names) { return expects(CLI::IsMember(names), choice_text(names)); }

CLI::Validator existing_file() { return expects(CLI::ExistingFile, "an existing file"); }

CLI::Validator existing_folder() { return expects(CLI::ExistingDirectory, "an existing folder"); }

CLI::Validator existing_path() { return expects(CLI::ExistingPath, "an existing file or folder"); }

CLI::Validator non_empty(const std::string& what) {
  return expects(CLI::Validator([](std::string& text) -> std::string { return text.empty() ? "empty" : ""; }, ""), what);
}

CLI::Validator positive_integer_list(bool or_none) {
  return expects(CLI::Validator(
                     [or_none](std::string& text) -> std::string {
                       std::vector<std::size_t> values;
                       if (or_none && text == "none") return "";
                       return parse_positive_integers(text, values) ? "" : "not a list";
                     },
                     ""),
                 std::string("positive integers separated by commas") + (or_none ? " (or none)" : ""));
}

std::vector<std::size_t> positive_integers(const std::string& text, const std::string& command, const std::string& option) {
  std::vector<std::size_t> values;
  if (!parse_positive_integers(text, values))
    throw Error(command + ": " + option + " expects positive integers separated by commas, got \"" + text + "\"");
  return values;
}

}  // namespace aelab::cli
