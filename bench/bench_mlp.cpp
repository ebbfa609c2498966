// `aelab bench mlp`: training throughput of the `mlp` solver (users per second per epoch, training
// only: the per-epoch training SE and validation passes are timed separately by the trainer and left
// out) for an [n-600-200-n] tanh autoencoder on the training matrices of ml-latest-small and
// citeulike-a (../shared/data), float32 vs float64. --max-users and --epochs shrink it for smoke tests.
#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "bench/suites.hpp"
#include "cli/command_line.hpp"
#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/data/vae_cf.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "solvers/builtin.hpp"

namespace aelab::bench {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The training users of the reference split of each data set (docs/DATA.md: the protocol's settings
// for ml-latest-small and citeulike-a, as pinned by tests/test_split_reference.cpp).
BinaryCsr load_training_matrix(const std::string& name, const std::string& data_dir) {
  LoadOptions load;
  SplitOptions split;
  split.min_uc = 5;
  if (name == "ml-latest-small") {
    load.format = "movielens-csv";
    load.path = data_dir + "/ml-latest-small/ratings.csv";
    split.threshold = 3.5;
    split.heldout_users = 50;
  } else if (name == "citeulike-a") {
    load.format = "citeulike";
    load.path = data_dir + "/citeulike-a/users.dat";
    split.heldout_users = 500;
  } else {
    throw Error("aelab bench mlp: unknown data set '" + name + "' (ml-latest-small, citeulike-a)");
  }
  return to_split_data(make_split(load_interactions(load), split)).train;
}

std::string default_data_dir() {
  const char* env = std::getenv("AELAB_SHARED_DATA");
  return env ? env : "../shared/data";
}

int run(const Arguments& args) {
  cli::CommandLine cl("aelab bench mlp",
                      "Training throughput of the mlp solver (users per second per epoch), float32 vs float64.");
  std::string data_text = "ml-latest-small,citeulike-a", data_dir = default_data_dir(), hidden_text = "600",
              activation = "tanh", precision_text = "float32,float64";
  long long rank = 200, epochs = 3, batch_size = 256;
  std::size_t max_users = 0;
  cl.option("--data", data_text, "LIST", "data sets (default ml-latest-small,citeulike-a)");
  cl.option("--data-dir", data_dir, "DIR", "folder holding them (default $AELAB_SHARED_DATA or ../shared/data)")
      ->check(cli::existing_folder());
  cl.option("--hidden", hidden_text, "LIST", "hidden widths before the rank layer (default 600)");
  cl.option("--rank", rank, "K", "width of the last hidden layer (default 200)");
  cl.option("--activation", activation, "NAME", "activation (default tanh)");
  cl.option("--precision", precision_text, "LIST", "precisions (default float32,float64)");
  cl.option("--epochs", epochs, "N", "epochs per run; the median epoch is reported (default 3)");
  cl.option("--batch-size", batch_size, "B", "users per mini-batch (default 256)");
  cl.option("--max-users", max_users, "M", "train on the first M users only (default: all; for smoke tests)");
  if (!cl.parse(args)) return 0;
  const auto data_sets = split_list(data_text);
  nlohmann::json hidden = nlohmann::json::array();
  for (const auto& w : split_list(hidden_text)) hidden.push_back(parse_cli_value(w));
  const auto precisions = split_list(precision_text);

  const Registry registry = builtin_registry();
  const Solver& solver = registry.get("mlp");
  std::string layers = "n";
  for (const auto& w : hidden) layers += "-" + w.dump();
  std::cout << "mlp training throughput: [" << layers << "-" << rank << "-n] " << activation
            << ", batch " << batch_size << ", " << epochs << " epoch(s) (median epoch reported; training only)\n";
  std::cout << std::left << std::setw(18) << "data" << std::setw(10) << "precision" << std::right << std::setw(8)
            << "users" << std::setw(8) << "items" << std::setw(10) << "nnz" << std::setw(12) << "s/epoch"
            << std::setw(14) << "users/s" << std::setw(12) << "peak RSS" << "\n";
  for (const auto& name : data_sets) {
    BinaryCsr X = load_training_matrix(name, data_dir);
    if (max_users > 0 && max_users < X.n_rows()) X = X.slice_rows(0, max_users);
    for (const auto& precision : precisions) {
      ParamSet params;
      try {
        params = solver.make_params({{"rank", rank},
                                     {"hidden", hidden},
                                     {"activation", activation},
                                     {"precision", precision},
                                     {"epochs", epochs},
                                     {"batch_size", batch_size}});
      } catch (const Error& e) {
        throw Error(std::string("aelab bench mlp: mlp parameter ") + e.what());
      }
      LinalgCache cache(X);
      FitContext ctx(cache);
      reset_peak_rss();
      const auto model = solver.fit(ctx, params);
      std::vector<double> seconds;
      const Trace& trace = model->report().trace;
      const auto column = std::find(trace.extra_columns.begin(), trace.extra_columns.end(), "train_seconds");
      const std::size_t train_seconds = static_cast<std::size_t>(column - trace.extra_columns.begin());
      for (const TracePoint& entry : trace.points)
        seconds.push_back(train_seconds < entry.extra.size() ? entry.extra[train_seconds] : entry.seconds);
      std::sort(seconds.begin(), seconds.end());
      const double median = seconds[seconds.size() / 2];
      std::cout << std::left << std::setw(18) << name << std::setw(10) << precision << std::right << std::setw(8)
                << X.n_rows() << std::setw(8) << X.n_cols() << std::setw(10) << X.nnz() << std::setw(12)
                << std::setprecision(3) << std::fixed << median << std::setw(14) << std::setprecision(0)
                << static_cast<double>(X.n_rows()) / median << std::setw(12) << format_bytes(peak_rss_bytes()) << "\n"
                << std::defaultfloat;
    }
  }
  return 0;
}

}  // namespace

int bench_mlp(const Arguments& args) { return run(args); }

}  // namespace aelab::bench
