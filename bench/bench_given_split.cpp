// `aelab bench given-split`: how long loading a given train/test split takes, with every check of
// docs/GIVEN_SPLIT.md: the whole load_given_split, and the training .npz (or text) and the test file
// read alone. Default data: Gowalla of ../shared/data (s_adj_mat.npz + test.txt); skipped, not
// failed, when it is absent and no files are given.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "bench/suites.hpp"
#include "cli/command_line.hpp"
#include "cli/text_format.hpp"
#include "core/data/given_split.hpp"
#include "core/data/ngcf_text.hpp"
#include "core/data/npz.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab::bench {

namespace {

struct Timings {
  std::vector<double> seconds;
  double min() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double median() const {
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    return sorted[sorted.size() / 2];
  }
};

void print_timings(const char* stage, const Timings& t) {
  std::cout << stage << ": min " << cli::seconds_text(t.min()) << ", median " << cli::seconds_text(t.median()) << " over "
            << t.seconds.size() << " runs\n";
}

}  // namespace

int bench_given_split(const Arguments& args) {
  const std::string command = "aelab bench given-split";
  cli::CommandLine cl(command, "Load time of a given train/test split (default: Gowalla of ../shared/data).");
  std::optional<std::string> train_given, test_given;
  std::optional<std::size_t> users;
  std::size_t repeat = 5;
  cl.option("--train", train_given, "PATH", "training file, text or .npz (default gowalla-ngcf/s_adj_mat.npz)");
  cl.option("--test", test_given, "PATH", "test file, text or .npz (default gowalla-ngcf/test.txt)");
  cl.option("--users", users, "U", "user count of a training bipartite adjacency (default: inferred)");
  cl.option("--repeat", repeat, "N", "runs of each stage (default 5)")->check(cli::integer_in(1, 1000000));
  if (!cl.parse(args)) return 0;
  const bool defaults = !train_given && !test_given;
  const std::string train = train_given.value_or(shared_data_file("gowalla-ngcf/s_adj_mat.npz"));
  const std::string test = test_given.value_or(shared_data_file("gowalla-ngcf/test.txt"));
  std::cout << "command: " << command;
  for (const auto& a : args) std::cout << " " << a;
  std::cout << "\n";
  if (defaults && (!std::filesystem::exists(train) || !std::filesystem::exists(test))) {
    std::cout << "given-split: skipped: " << train << " or " << test << " is absent (give --train and --test)\n";
    return 0;
  }
  GivenSplitOptions options;
  if (users) options.n_users = *users;

  const bool peak_resets = reset_peak_rss();
  Timings whole, train_alone, test_alone;
  GivenSplit split;
  for (std::size_t run = 0; run < repeat; ++run) {
    Timer timer;
    split = load_given_split(train, test, options);
    whole.seconds.push_back(timer.seconds());
  }
  const std::size_t peak = peak_rss_bytes();
  for (std::size_t run = 0; run < repeat; ++run) {
    Timer timer;
    if (split.train_file.kind == GivenFileKind::npz)
      read_npz_interactions(train, NpzReadOptions{options.train_layout, options.n_users, options.values});
    else
      read_ngcf_text(train);
    train_alone.seconds.push_back(timer.seconds());
    timer.restart();
    if (split.test_file.kind == GivenFileKind::npz)
      read_npz_interactions(test, NpzReadOptions{NpzLayout::user_item, std::nullopt, options.values});
    else
      read_ngcf_text(test);
    test_alone.seconds.push_back(timer.seconds());
  }
  std::cout << "data: " << train << " (" << format_bytes(std::filesystem::file_size(train)) << ") + " << test << " ("
            << format_bytes(std::filesystem::file_size(test)) << ")\n";
  std::cout << "split: " << split.n_users() << " users x " << split.n_items() << " items, " << split.train.nnz()
            << " training and " << split.test.nnz() << " test interactions, " << split.n_test_users() << " test users";
  if (split.train_file.npz)
    std::cout << "; training file " << split.train_file.npz->format << " " << npz_layout_name(split.train_file.npz->layout)
              << ", " << split.train_file.npz->stored_entries << " stored entries";
  std::cout << "\n";
  print_timings("load_given_split (both files, every check)", whole);
  print_timings("training file alone", train_alone);
  print_timings("test file alone", test_alone);
  std::cout << "peak RSS " << (peak_resets ? "of the loads" : "of the process") << ": " << format_bytes(peak) << "\n";
  return 0;
}

}  // namespace aelab::bench
