// `aelab data inspect` (counts, density, duplicates, value and activity distributions of a raw file)
// and `aelab data formats` (the loader formats).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/text_format.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::cli {

namespace {

// "min 20, p25 35, median 70, p75 155, p90 334, p99 1000, max 2698, mean 165.30"
std::string distribution(std::vector<std::uint64_t> counts) {
  if (counts.empty()) return "none";
  std::sort(counts.begin(), counts.end());
  auto at = [&](double q) { return counts[static_cast<std::size_t>(q * static_cast<double>(counts.size() - 1))]; };
  double sum = 0;
  for (auto c : counts) sum += static_cast<double>(c);
  char mean[32];
  std::snprintf(mean, sizeof mean, "%.2f", sum / static_cast<double>(counts.size()));
  return "min " + std::to_string(counts.front()) + ", p25 " + std::to_string(at(0.25)) + ", median " +
         std::to_string(at(0.5)) + ", p75 " + std::to_string(at(0.75)) + ", p90 " + std::to_string(at(0.9)) + ", p99 " +
         std::to_string(at(0.99)) + ", max " + std::to_string(counts.back()) + ", mean " + mean;
}

std::size_t below(const std::vector<std::uint64_t>& counts, std::uint64_t bound) {
  return static_cast<std::size_t>(std::count_if(counts.begin(), counts.end(), [&](std::uint64_t c) { return c < bound; }));
}

struct Counts {
  std::size_t rows = 0, distinct_pairs = 0;
  std::vector<std::uint64_t> per_user, per_item;  // rows of each user/item present
};

// Rows (optionally only those with value > threshold) per user and item, and distinct (user, item) pairs.
Counts count(const RawInteractions& raw, const std::optional<double>& threshold) {
  std::vector<std::uint64_t> user_rows(raw.users.size(), 0), item_rows(raw.items.size(), 0);
  std::vector<std::uint64_t> pairs;
  pairs.reserve(raw.n_rows());
  Counts c;
  for (std::size_t r = 0; r < raw.n_rows(); ++r) {
    if (threshold && !(raw.value[r] > *threshold)) continue;
    ++user_rows[raw.user[r]];
    ++item_rows[raw.item[r]];
    pairs.push_back((std::uint64_t{raw.user[r]} << 32) | raw.item[r]);
    ++c.rows;
  }
  std::sort(pairs.begin(), pairs.end());
  c.distinct_pairs = static_cast<std::size_t>(std::unique(pairs.begin(), pairs.end()) - pairs.begin());
  for (auto n : user_rows)
    if (n > 0) c.per_user.push_back(n);
  for (auto n : item_rows)
    if (n > 0) c.per_item.push_back(n);
  return c;
}

void print_counts(const std::string& label, const Counts& c) {
  const double cells = static_cast<double>(c.per_user.size()) * static_cast<double>(c.per_item.size());
  char density[32];
  std::snprintf(density, sizeof density, "%.6f%%", cells > 0 ? 100.0 * static_cast<double>(c.distinct_pairs) / cells : 0.0);
  std::cout << label << "rows: " << c.rows << ", users: " << c.per_user.size() << ", items: " << c.per_item.size()
            << ", distinct (user, item) pairs: " << c.distinct_pairs << " (" << c.rows - c.distinct_pairs
            << " duplicate rows), density: " << density << "\n";
  std::cout << label << "rows per user: " << distribution(c.per_user) << "; users with < 5 rows: " << below(c.per_user, 5)
            << "\n";
  std::cout << label << "rows per item: " << distribution(c.per_item) << "; items with < 5 rows: " << below(c.per_item, 5)
            << "\n";
}

std::string counted(std::size_t n, const std::string& singular, const std::string& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

// The word the format uses for its value column, in the "unusual" line.
std::string value_noun(const std::string& format) {
  if (format == "hetrec-lastfm") return "weight";
  if (format == "msd-triplets") return "play count";
  if (format.rfind("movielens", 0) == 0 || format == "netflix-prize") return "rating";
  return "value";
}

std::size_t rows_with_negative_id(const IdTable& ids, const std::vector<std::uint32_t>& rows) {
  if (ids.kind() != IdTable::Kind::integer) return 0;
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [&](std::uint32_t i) { return ids.number(i) < 0; }));
}

// Rows equal to an earlier one in user, item and value: a file written twice or concatenated,
// which the pair count alone (a re-rating is also a duplicate pair) does not tell apart.
std::size_t exact_duplicate_rows(const RawInteractions& raw) {
  std::vector<std::pair<std::uint64_t, double>> rows;
  rows.reserve(raw.n_rows());
  for (std::size_t r = 0; r < raw.n_rows(); ++r) rows.emplace_back((std::uint64_t{raw.user[r]} << 32) | raw.item[r], raw.value[r]);
  std::sort(rows.begin(), rows.end());
  return rows.size() - static_cast<std::size_t>(std::unique(rows.begin(), rows.end()) - rows.begin());
}

// Things a label format allows but that rarely mean what the file's author intended.
void print_unusual(const RawInteractions& raw, const std::string& format) {
  const std::string noun = value_noun(format);
  std::vector<std::string> notes;
  if (std::size_t n = rows_with_negative_id(raw.users, raw.user))
    notes.push_back(counted(n, "row with a negative user id", "rows with a negative user id"));
  if (std::size_t n = rows_with_negative_id(raw.items, raw.item))
    notes.push_back(counted(n, "row with a negative item id", "rows with a negative item id"));
  if (std::size_t n = static_cast<std::size_t>(std::count_if(raw.value.begin(), raw.value.end(), [](double v) { return v < 0; })))
    notes.push_back(counted(n, "negative " + noun, "negative " + noun + "s"));
  if (std::size_t n = exact_duplicate_rows(raw))
    notes.push_back(counted(n, "exact duplicate row", "exact duplicate rows") + " (same user, item and " + noun + ")");
  std::string line;
  for (const auto& note : notes) line += (line.empty() ? "" : ", ") + note;
  std::cout << "unusual: " << (line.empty() ? "none" : line) << "\n";
}

int inspect(const Arguments& args) {
  CommandLine cl("aelab data inspect",
                 "Prints counts, density, duplicates and the distributions of values and of rows per user and item.");
  LoadArguments load_arguments(cl);
  std::optional<double> threshold;
  cl.option("--threshold", threshold, "T", "also report what remains after keeping value > T");
  if (!cl.parse(args)) return 0;
  const LoadOptions load = load_arguments.options();
  Timer timer;
  const RawInteractions raw = load_interactions(load);
  std::cout << "file: " << load.path << " (" << load.format << "), loaded in " << seconds_text(timer.seconds()) << "\n";
  std::cout << "ids: " << (raw.users.kind() == IdTable::Kind::integer ? "integer" : "string") << "\n";
  print_counts("", count(raw, std::nullopt));

  std::map<double, std::size_t> histogram;
  double lowest = raw.value.front(), highest = lowest, sum = 0;
  for (double v : raw.value) {
    lowest = std::min(lowest, v);
    highest = std::max(highest, v);
    sum += v;
    if (histogram.size() <= 20) ++histogram[v];
  }
  char mean[32];
  std::snprintf(mean, sizeof mean, "%.4f", sum / static_cast<double>(raw.n_rows()));
  std::cout << "values: min " << number_text(lowest) << ", max " << number_text(highest) << ", mean " << mean;
  if (histogram.size() <= 20) {
    std::cout << "; histogram:";
    for (const auto& [v, n] : histogram) std::cout << " " << number_text(v) << ":" << n;
  } else {
    std::cout << "; more than 20 distinct values";
  }
  std::cout << "\n";
  print_unusual(raw, load.format);
  if (threshold) print_counts("value > " + number_text(*threshold) + ": ", count(raw, threshold));
  return 0;
}

int formats(const Arguments& args) {
  CommandLine cl("aelab data formats", "Lists the raw data formats aelab reads (the --format values).");
  if (!cl.parse(args)) return 0;
  for (const auto& name : loader_formats()) {
    std::string left = "  " + name;
    left.resize(18, ' ');
    std::cout << left << loader_format_description(name) << "\n";
  }
  std::cout << "  (vae_cf split folders are read as already split data; aelab split writes them)\n";
  return 0;
}

}  // namespace

int command_data(const Arguments& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: aelab data <inspect|formats> [options]   (aelab data <subcommand> --help for details)\n\n"
                 "  inspect   counts, density, duplicates, value and activity distributions of a raw file\n"
                 "  formats   the raw data formats aelab reads\n";
    return args.empty() ? 2 : 0;
  }
  const Arguments rest(args.begin() + 1, args.end());
  if (args[0] == "inspect") return inspect(rest);
  if (args[0] == "formats") return formats(rest);
  throw Error("aelab data: unknown subcommand '" + args[0] + "' (expected inspect or formats)");
}

}  // namespace aelab::cli
