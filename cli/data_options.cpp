#include "cli/data_options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/util/error.hpp"

namespace aelab::cli {

std::vector<OptionSpec> operator+(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<OptionSpec> load_option_specs() {
  return {{"format", "F", "input format (list: aelab data formats)"},
          {"input", "PATH", "raw data file (a folder for netflix-prize)"},
          {"delimiter", "C", "csv only: field delimiter, one character or tab|comma|semicolon|space|pipe (default ,)"},
          {"no-header", "", "csv only: the first line is data, not a header"},
          {"user-col", "COL", "csv only: user id column, 0-based index or header name (default 0)"},
          {"item-col", "COL", "csv only: item id column, 0-based index or header name (default 1)"},
          {"value-col", "COL", "csv only: rating/count column (default: none, every row has value 1)"},
          {"string-ids", "", "csv only: ids are strings, sorted lexicographically (default: integers)"}};
}

LoadOptions load_options(const CommandLine& cl, const std::string& command) {
  LoadOptions o;
  o.format = cl.required("format");
  check_loader_format(o.format);
  o.path = cl.required("input");
  const bool csv = o.format == "csv";
  for (const char* name : {"delimiter", "no-header", "user-col", "item-col", "value-col", "string-ids"})
    if (cl.flag(name) && !csv)
      throw Error(command + ": --" + name + " applies to --format csv only, not " + o.format);
  if (auto d = cl.value("delimiter")) {
    if (*d == "tab" || *d == "\\t") o.delimiter = '\t';
    else if (*d == "comma") o.delimiter = ',';
    else if (*d == "semicolon") o.delimiter = ';';
    else if (*d == "space") o.delimiter = ' ';
    else if (*d == "pipe") o.delimiter = '|';
    else if (d->size() == 1 && *d != "\"" && *d != "\n" && *d != "\r") o.delimiter = (*d)[0];
    else
      throw Error(command + ": --delimiter expects one character or tab|comma|semicolon|space|pipe, got \"" + *d + "\"");
  }
  o.header = !cl.flag("no-header");
  if (auto c = cl.value("user-col")) o.user_column = *c;
  if (auto c = cl.value("item-col")) o.item_column = *c;
  if (auto c = cl.value("value-col")) o.value_column = *c;
  o.string_ids = cl.flag("string-ids");
  for (const char* name : {"user-col", "item-col", "value-col"})
    if (auto c = cl.value(name); c && c->empty()) throw Error(command + ": --" + name + " expects a column, got \"\"");
  return o;
}

std::vector<OptionSpec> split_option_specs() {
  return {{"threshold", "T", "keep rows with value > T (MovieLens, Netflix: 3.5); default: keep every row"},
          {"min-uc", "N", "keep users with >= N rows, counted after the item filter (default 5)"},
          {"min-sc", "N", "keep items with >= N rows, applied first (default 0: no filter)"},
          {"heldout", "H", "validation users and test users, H each (required; ML-20M 10000)"},
          {"seed", "S", "numpy RandomState seed (default 98765)"}};
}

std::size_t count_option(const CommandLine& cl, const std::string& command, const std::string& name,
                         std::size_t fallback) {
  const auto v = cl.integer(name);
  if (!v) return fallback;
  if (*v < 0) throw Error(command + ": --" + name + " expects a non-negative integer, got " + std::to_string(*v));
  return static_cast<std::size_t>(*v);
}

std::vector<std::size_t> positive_integer_list(const std::string& text, const std::string& command,
                                               const std::string& option) {
  std::vector<std::size_t> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const char* first = text.data() + start;
    const char* last = text.data() + comma;
    long long v = 0;
    const auto [end, error] = std::from_chars(first, last, v);  // out of range is an error, not a clamp
    if (first == last || error != std::errc() || end != last || v < 1)
      throw Error(command + ": --" + option + " expects positive integers separated by commas, got \"" + text + "\"");
    out.push_back(static_cast<std::size_t>(v));
    start = comma + 1;
  }
  return out;
}

SplitOptions split_options(const CommandLine& cl, const std::string& command) {
  SplitOptions o;
  o.threshold = cl.number("threshold");
  o.min_uc = count_option(cl, command, "min-uc", o.min_uc);
  o.min_sc = count_option(cl, command, "min-sc", o.min_sc);
  if (!cl.value("heldout")) throw Error(command + ": --heldout is required (see " + command + " --help)");
  o.heldout_users = count_option(cl, command, "heldout", 0);
  if (o.heldout_users == 0) throw Error(command + ": --heldout expects a positive integer, got 0");
  const std::size_t seed = count_option(cl, command, "seed", o.seed);
  if (seed > 0xffffffffULL) throw Error(command + ": --seed expects an integer in [0, 2^32 - 1], got " + std::to_string(seed));
  o.seed = static_cast<std::uint32_t>(seed);
  return o;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

std::string number_text(double x) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, x).ptr);
}

}  // namespace aelab::cli
