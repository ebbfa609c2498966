// `aelab bench closed-form`: the cost of Algorithm 1 (closed_form_approx) against its floor, the SPD
// inverse (docs/MATH.md §7), on synthetic training matrices. Per size and precision:
// Gram time, inverse time (in-place potrf + potri on G + Lambda), Algorithm 1 total for each rank
// with its stages, the ratio total / inverse, the eigensolver that ran and the peak RSS of the fit;
// (data: core/data/synthetic.hpp, latent topics with Zipf item popularity, every row a binary interaction)
// then a rank sweep served by one eigendecomposition against a single fit at its largest rank.
// `floor` is the lowest ratio any implementation could reach: (inverse + 2 n x n x (k+1) products) /
// inverse, the products timed on the same matrix (see run_size).
// Targets (on a quiet 2-core machine): ratio <= 1.25 for k <= 1,000 at n = 10,000;
// sweep <= 1.3 x single rank.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "bench/suites.hpp"
#include "bench/training_matrices.hpp"
#include "cli/command_line.hpp"
#include "core/data/synthetic.hpp"
#include "core/linalg/blas.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/builtin.hpp"

namespace aelab::bench {

namespace {

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", s);
  return text;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

struct Settings {
  double lambda = 100, p = 0.25;
  std::size_t users_per_item = 10;
  double items_per_user = 40;
  std::string eigen = "auto";
  std::vector<std::size_t> ranks, sweep;
  bool keep_gram = true;
};

// Peak RSS of the process while `work` runs (VmHWM reset before; process-wide if reset is refused).
template <typename F>
std::size_t peak_during(F&& work) {
  reset_peak_rss();
  work();
  return peak_rss_bytes();
}

template <typename T>
void run_size(std::size_t n, const Settings& settings) {
  const Dtype dtype = dtype_of<T>();
  Timer timer;
  const BinaryCsr X = synthetic_training_matrix(settings.users_per_item * n, n, settings.items_per_user, 20240 + n);
  std::cout << "\n== n = " << n << " items, " << dtype_name(dtype) << ": " << X.n_rows() << " users, " << X.nnz()
            << " interactions (generated in " << seconds_text(timer.seconds()) << " s)\n";

  // Gram, and the inverse floor on a copy of G + Lambda. Then, per rank, the cost of one product of an
  // n x n matrix with k + 1 columns: Algorithm 1 needs at least two (the factor U = B^ V, and one
  // product of the eigen-matrix with the k + 1 wanted vectors, which any iterative eigensolver
  // makes at least once; a dense one costs O(n^3) instead), so inverse + 2 products is a floor no
  // implementation of Algorithm 1 that returns U and V in this precision can go below.
  double gram_seconds = 0, inverse_seconds = 0;
  std::size_t inverse_peak = 0;
  std::map<std::size_t, double> product_seconds;
  {
    arma::Mat<T> A;
    timer.restart();
    dense_gram(X, A);
    gram_seconds = timer.seconds();
    const arma::vec counts = arma::conv_to<arma::vec>::from(arma::Col<T>(A.diag()));
    A.diag() += arma::conv_to<arma::Col<T>>::from(lambda_diagonal(counts, settings.lambda, settings.p));
    inverse_peak = peak_during([&] {
      timer.restart();
      spd_inverse_in_place(A);
      inverse_seconds = timer.seconds();
    });
    for (std::size_t k : settings.ranks) {
      if (k > n) continue;
      const arma::Mat<T> block(n, std::min(n, k + 1), arma::fill::randn);
      arma::Mat<T> product;
      timer.restart();
      product = A * block;
      product_seconds[k] = timer.seconds();
    }
  }
  std::cout << "gram " << seconds_text(gram_seconds) << " s, SPD inverse (potrf + potri) " << seconds_text(inverse_seconds)
            << " s, peak RSS " << format_bytes(inverse_peak) << std::endl;

  const Registry registry = builtin_registry();
  const Solver& solver = registry.get("closed_form_approx");
  auto params_for = [&](const nlohmann::json& rank) {
    return solver.make_params({{"rank", rank}, {"lambda", settings.lambda}, {"p", settings.p}, {"eigen", settings.eigen}});
  };
  // A fresh cache per fit, so each total includes its own inverse; the pristine Gram is built
  // beforehand (once per training matrix in real use) unless --no-keep-gram.
  auto fresh_cache = [&]() {
    auto cache = std::make_unique<LinalgCache>(X);
    cache->set_keep_gram(settings.keep_gram);
    if (settings.keep_gram) cache->template pristine_gram<T>();
    return cache;
  };

  std::cout << pad("k", 6) << pad("total s", 10) << pad("ratio", 8) << pad("inverse", 9) << pad("eig-mat", 9)
            << pad("eigen", 9) << pad("factors", 9) << pad("object.", 9) << pad("gram", 7) << pad("floor", 7)
            << "  eigensolver"
            << pad("peak RSS", 24) << "\n";
  auto stage = [](const StageSeconds& seconds, const char* name) { return seconds.get(name).value_or(0.0); };
  std::map<std::size_t, double> single_seconds;
  for (std::size_t k : settings.ranks) {
    if (k > n) continue;
    auto cache = fresh_cache();
    FitContext ctx(*cache);
    ctx.dtype = dtype;
    std::unique_ptr<FittedModel> model;
    double total = 0;
    const std::size_t peak = peak_during([&] {
      timer.restart();
      model = solver.fit(ctx, params_for(k));
      total = timer.seconds();
    });
    single_seconds[k] = total;
    const FitReport& report = model->report();
    const StageSeconds& s = report.seconds;
    std::ostringstream eig;
    if (report.eigen)
      eig << report.eigen->method << " it " << report.eigen->iterations << " prod " << report.eigen->matrix_products;
    const double matrices = static_cast<double>(peak) / (static_cast<double>(n) * n * sizeof(T));
    char rss[64];
    std::snprintf(rss, sizeof rss, "%s (%.2f n^2)", format_bytes(peak).c_str(), matrices);
    std::cout << pad(std::to_string(k), 6) << pad(seconds_text(total), 10) << pad(seconds_text(total / inverse_seconds), 8)
              << pad(seconds_text(stage(s, "inverse")), 9) << pad(seconds_text(stage(s, "eigen_matrix")), 9)
              << pad(seconds_text(stage(s, "eigen")), 9) << pad(seconds_text(stage(s, "factors")), 9)
              << pad(seconds_text(stage(s, "objective")), 9) << pad(seconds_text(stage(s, "gram")), 7)
              << pad(seconds_text((inverse_seconds + 2 * product_seconds[k]) / inverse_seconds), 7) << "  "
              << eig.str() << pad(rss, std::max<std::size_t>(24, 36 - eig.str().size())) << std::endl;
  }

  std::vector<Rank> sweep;
  for (std::size_t k : settings.sweep)
    if (k <= n) sweep.push_back(Rank::of(k));
  if (sweep.size() < 2) return;
  const std::size_t k_max = sweep.back().k;
  if (!single_seconds.count(k_max)) {
    auto cache = fresh_cache();
    FitContext ctx(*cache);
    ctx.dtype = dtype;
    timer.restart();
    solver.fit(ctx, params_for(k_max));
    single_seconds[k_max] = timer.seconds();
  }
  auto cache = fresh_cache();
  FitContext ctx(*cache);
  ctx.dtype = dtype;
  double sweep_seconds = 0;
  std::size_t models = 0;
  const std::size_t peak = peak_during([&] {
    timer.restart();
    solver.fit_ranks(ctx, params_for(nlohmann::json(k_max)), sweep,
                     [&](const ParamSet&, std::unique_ptr<FittedModel>) {
                       ++models;
                       return true;
                     });
    sweep_seconds = timer.seconds();
  });
  std::string list;
  for (const Rank& r : sweep) list += (list.empty() ? "" : ",") + r.str();
  std::cout << "sweep of " << models << " ranks (" << list << "): " << seconds_text(sweep_seconds) << " s = "
            << seconds_text(sweep_seconds / single_seconds[k_max]) << " x a single fit at rank " << k_max << " ("
            << seconds_text(single_seconds[k_max]) << " s), peak RSS " << format_bytes(peak) << std::endl;
}

int run(const Arguments& args) {
  cli::CommandLine cl(
      "aelab bench closed-form",
      "Algorithm 1 (closed_form_approx) against the SPD inverse on synthetic data: Gram, inverse, total per rank,\n"
      "ratio total / inverse, the floor ratio (inverse + two n x n x (k+1) products: no implementation can go\n"
      "below it), eigensolver, peak RSS, and a rank sweep against a single rank.");
  Settings settings;
  std::string sizes_text = "2000,5000,10000", f32_text = "20000", ranks_text = "10,100,1000",
              sweep_text = "10,20,50,100,200,500,1000";
  std::optional<int> threads;
  bool no_keep_gram = false;
  cl.option("--sizes", sizes_text, "N,N,...", "item counts in float64 (default 2000,5000,10000)")
      ->check(cli::positive_integer_list());
  cl.option("--f32-sizes", f32_text, "N,N,...", "item counts in float32 (default 20000; \"none\" to skip)")
      ->check(cli::positive_integer_list(true));
  cl.option("--ranks", ranks_text, "K,K,...", "ranks fitted one by one (default 10,100,1000)")
      ->check(cli::positive_integer_list());
  cl.option("--sweep", sweep_text, "K,K,...", "ranks of the sweep, ascending (default 10,20,50,100,200,500,1000; \"none\" to skip)")
      ->check(cli::positive_integer_list(true));
  cl.option("--users-per-item", settings.users_per_item, "R", "training users = R x items (default 10)")
      ->check(cli::integer_at_least(1));
  cl.option("--items-per-user", settings.items_per_user, "A", "mean interactions per user (default 40)")
      ->check(cli::number_at_least(2));
  cl.option("--lambda", settings.lambda, "L", "lambda (default 100)");
  cl.option("--p", settings.p, "P", "dropout probability (default 0.25)");
  cl.option("--eigen", settings.eigen, "METHOD", "auto (default), arpack, block or dense");
  cl.option("--threads", threads, "N", "BLAS threads (default: all cores)")->check(cli::integer_at_least(1));
  cl.flag("--no-keep-gram", no_keep_gram, "rebuild G from the sparse rows whenever needed instead of keeping a copy");
  if (!cl.parse(args)) return 0;
  auto integers = [&](const std::string& text, const char* option) {
    return text == "none" ? std::vector<std::size_t>{} : cli::positive_integers(text, cl.command(), option);
  };
  const auto sizes = integers(sizes_text, "--sizes");
  const auto f32_sizes = integers(f32_text, "--f32-sizes");
  settings.ranks = integers(ranks_text, "--ranks");
  settings.sweep = integers(sweep_text, "--sweep");
  if (!std::is_sorted(settings.sweep.begin(), settings.sweep.end()))
    throw Error("aelab bench closed-form: --sweep ranks must be ascending");
  settings.keep_gram = !no_keep_gram;
  if (threads) set_blas_threads(*threads);
  // Validate the solver parameters once, before any work.
  builtin_registry().get("closed_form_approx").make_params({{"lambda", settings.lambda}, {"p", settings.p}, {"eigen", settings.eigen}});
  std::cout << "closed-form: lambda " << settings.lambda << ", p " << settings.p << ", eigen " << settings.eigen
            << ", users = " << settings.users_per_item << " x items, " << settings.items_per_user
            << " items per user on average, Gram " << (settings.keep_gram ? "kept" : "rebuilt when needed") << "\n";
  for (std::size_t n : sizes) run_size<double>(n, settings);
  for (std::size_t n : f32_sizes) run_size<float>(n, settings);
  return 0;
}

}  // namespace

int run_closed_form_bench(const Arguments& args) { return run(args); }

}  // namespace aelab::bench
