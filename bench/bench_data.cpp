// `aelab bench data`: parse and split throughput on an ML-20M-shaped synthetic ratings.csv
// (138,493 users, 26,744 items, 20 M rows at full size), with the ML-20M protocol (rating > 3.5,
// min_uc 5, H 10,000 scaled with the rows). Targets: parse + split of 20 M rows under 30 s
// on 2 cores, peak memory under 4 GiB.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>

#include "bench/suites.hpp"
#include "cli/command_line.hpp"
#include "cli/text_format.hpp"
#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/data/synthetic.hpp"
#include "core/data/vae_cf.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab::bench {

namespace {

constexpr double kMl20mRows = 20000263;

// ML-20M's shape scaled to `rows`: users in proportion, items by the square root (at least 1,000 so
// small smoke runs keep a sensible mean activity).
SyntheticSpec scaled_spec(std::size_t rows, std::uint64_t seed) {
  SyntheticSpec spec = SyntheticSpec::ml20m_shaped();
  const double scale = static_cast<double>(rows) / kMl20mRows;
  if (scale < 1.0) {
    spec.users = std::max<std::size_t>(10, static_cast<std::size_t>(std::llround(static_cast<double>(spec.users) * scale)));
    spec.items = std::max<std::size_t>(1000, static_cast<std::size_t>(std::llround(static_cast<double>(spec.items) * std::sqrt(scale))));
  } else {
    spec.users = static_cast<std::size_t>(std::llround(static_cast<double>(spec.users) * scale));
  }
  spec.mean_items_per_user = static_cast<double>(rows) / static_cast<double>(spec.users);
  spec.seed = seed;
  return spec;
}

std::string rate(double rows, double seconds) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f M rows/s", seconds > 0 ? rows / seconds / 1e6 : 0.0);
  return text;
}

}  // namespace

int bench_data(const Arguments& args) {
  const std::string command = "aelab bench data";
  cli::CommandLine cl(command,
                      "Parse and split throughput on an ML-20M-shaped synthetic ratings.csv (generated once, then reused).");
  std::size_t rows = static_cast<std::size_t>(kMl20mRows);
  std::string dir = "bench-data";
  std::optional<std::string> file;
  std::optional<std::size_t> heldout;
  std::uint64_t seed = 1;
  bool keep_split = false;
  cl.option("--rows", rows, "N", "rows of the synthetic file (default 20000263, ML-20M's count)")
      ->check(cli::integer_at_least(1000));
  cl.option("--dir", dir, "DIR", "folder of the generated file (default bench-data/ in the current folder)");
  cl.option("--file", file, "PATH", "use this movielens-csv file instead of a generated one")->check(cli::existing_file());
  cl.option("--heldout", heldout, "H", "held-out users per part (default 10000 scaled with the rows)");
  cl.option("--seed", seed, "S", "generator seed (default 1)");
  cl.flag("--keep-split", keep_split, "keep the written split folder next to the data file");
  if (!cl.parse(args)) return 0;
  std::string path;
  std::cout << "command: aelab bench data";
  for (const auto& a : args) std::cout << " " << a;
  std::cout << "\n";

  if (file) {
    path = *file;
  } else {
    const SyntheticSpec spec = scaled_spec(rows, seed);
    std::filesystem::create_directories(dir);
    path = dir + "/ml20m-shaped-" + std::to_string(rows) + "-seed" + std::to_string(spec.seed) + ".csv";
    if (std::filesystem::exists(path)) {
      std::cout << "data: reusing " << path << "\n";
    } else {
      Timer timer;
      const std::size_t written = write_synthetic_movielens_csv(spec, path);
      std::cout << "data: generated " << path << ": " << written << " rows, " << spec.users << " users, " << spec.items
                << " item ids in " << cli::seconds_text(timer.seconds()) << " (" << spec.to_json().dump() << ")\n";
    }
  }
  const std::uintmax_t bytes = std::filesystem::file_size(path);

  const bool peak_resets = reset_peak_rss();
  Timer timer;
  const RawInteractions raw = load_interactions({"movielens-csv", path});
  const double parse_seconds = timer.seconds();
  const std::size_t parse_peak = peak_rss_bytes();
  std::cout << "parse: " << raw.n_rows() << " rows (" << format_bytes(bytes) << "), " << raw.users.size() << " users, "
            << raw.items.size() << " items in " << cli::seconds_text(parse_seconds) << ": "
            << rate(static_cast<double>(raw.n_rows()), parse_seconds) << ", peak RSS " << format_bytes(parse_peak) << "\n";

  SplitOptions options;
  options.threshold = 3.5;
  options.min_uc = 5;
  options.heldout_users = heldout.value_or(
      std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(10000.0 * static_cast<double>(rows) / kMl20mRows))));
  timer.restart();
  SplitSummary summary;
  const VaeCfSplit split = make_split(raw, options, &summary);
  const double split_seconds = timer.seconds();
  const std::size_t split_peak = peak_rss_bytes();
  std::cout << "split: " << summary.rows_kept << " rows kept, " << summary.users << " users (" << summary.train_users
            << " train, H " << options.heldout_users << "), " << summary.train_items << " items in "
            << cli::seconds_text(split_seconds) << ": " << rate(static_cast<double>(raw.n_rows()), split_seconds)
            << ", peak RSS " << format_bytes(split_peak) << "\n";

  const std::string out = path + ".split";
  timer.restart();
  write_vae_cf(out, split);
  const double write_seconds = timer.seconds();
  std::cout << "write: " << split.train.size() + split.validation_tr.size() + split.validation_te.size() +
                                split.test_tr.size() + split.test_te.size()
            << " rows in " << cli::seconds_text(write_seconds) << " (fsync included)\n";
  if (!keep_split) std::filesystem::remove_all(out);

  const double total = parse_seconds + split_seconds;
  std::cout << "parse+split: " << cli::seconds_text(total) << " for " << raw.n_rows() << " rows ("
            << rate(static_cast<double>(raw.n_rows()), total) << "; target for 20 M rows: < 30 s), peak RSS "
            << format_bytes(peak_rss_bytes()) << (peak_resets ? "" : " (process-wide: the peak could not be reset)")
            << " (target < 4 GiB)\n";
  return 0;
}

}  // namespace aelab::bench
