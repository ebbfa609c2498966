// `aelab bench given-scale`: the closed forms at the scale of a given split (default: Gowalla of
// ../shared/data, n = 40,981, float32): load, Gram, SPD inverse, EASE (B^ built in the inverse's
// storage), evaluation of every test user against the dense model, then Algorithm 1 at the given ranks
// from one eigendecomposition, each stage's wall time and the peak RSS as a multiple of n^2 x 4 bytes.
// The figures are what docs/BENCHMARKS.md quotes; the EASE target is end to end (load + fit + evaluate)
// under 10 minutes with a peak below 2.3 n^2 x 4 bytes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "bench/suites.hpp"
#include "cli/command_line.hpp"
#include "core/data/given_split.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/blas.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/builtin.hpp"

namespace aelab::bench {

namespace {

// Peak RSS as a multiple of one float32 n x n matrix.
double squares(std::size_t bytes, std::size_t n) { return double(bytes) / (4.0 * double(n) * double(n)); }

void stage(const char* name, double seconds) { std::printf("  %-44s %9.2f s\n", name, seconds); }

const std::vector<MetricSpec> kMetrics = {MetricSpec::parse("recall_ngcf@20"), MetricSpec::parse("ndcg@20")};

void print_metrics(const EvaluationResult& r) {
  std::printf("  %-44s", "test metrics");
  for (const MetricSpec& m : kMetrics) std::printf(" %s %.4f", m.name().c_str(), r.summary(m.name()).mean);
  std::printf(" (%zu users)\n", r.uids.size());
}

}  // namespace

int bench_given_scale(const Arguments& args) {
  const std::string command = "aelab bench given-scale";
  cli::CommandLine cl(command,
                      "EASE and Algorithm 1 at the scale of a given split (default: Gowalla of ../shared/data): the time\n"
                      "of each stage and the peak RSS as a multiple of n^2 x 4 bytes.");
  std::optional<std::string> train_given, test_given;
  std::string dtype_text = "float32", ranks_text = "100,1000";
  double lambda = 200;
  std::optional<int> threads;
  cl.option("--train", train_given, "PATH", "training file, text or .npz (default gowalla-ngcf/s_adj_mat.npz)");
  cl.option("--test", test_given, "PATH", "test file (default gowalla-ngcf/test.txt)");
  cl.option("--dtype", dtype_text, "TYPE", "float32 (default) or float64")->check(cli::one_of({"float32", "float64"}));
  cl.option("--lambda", lambda, "L", "lambda of EASE and Algorithm 1 (p = 0; default 200)")->check(cli::number_at_least(0));
  cl.option("--ranks", ranks_text, "LIST", "ranks of Algorithm 1 (default 100,1000; none: skip it)")
      ->check(cli::positive_integer_list(/*or_none=*/true));
  cl.option("--threads", threads, "T", "BLAS and Gram threads (default: OpenBLAS's)")->check(cli::integer_in(1, 1024));
  if (!cl.parse(args)) return 0;
  if (threads) set_blas_threads(*threads);
  const std::string train = train_given.value_or(shared_data_file("gowalla-ngcf/s_adj_mat.npz"));
  const std::string test = test_given.value_or(shared_data_file("gowalla-ngcf/test.txt"));
  std::cout << "command: " << command;
  for (const auto& a : args) std::cout << " " << a;
  std::cout << "\n";
  if (!train_given && !test_given && (!std::filesystem::exists(train) || !std::filesystem::exists(test))) {
    std::cout << "given-scale: skipped: " << train << " or " << test << " is absent (give --train and --test)\n";
    return 0;
  }
  std::vector<std::size_t> ranks;
  if (ranks_text != "none") ranks = cli::positive_integers(ranks_text, command, "--ranks");
  std::sort(ranks.begin(), ranks.end());

  const bool fit_peaks = reset_peak_rss();
  Timer end_to_end, timer;
  const SplitData split = test_split_data(load_given_split(train, test));
  const double load_seconds = timer.seconds();
  const std::size_t n = split.n_items();
  for (std::size_t k : ranks)
    if (k > n) throw Error(command + ": --ranks: rank " + std::to_string(k) + " exceeds the " + std::to_string(n) + " items");
  std::printf("data: %zu users x %zu items, %zu training interactions, %zu test users; %s, lambda %g, p 0\n",
              split.train.n_rows(), n, split.train.nnz(), split.test.n_users(), dtype_text.c_str(), lambda);
  std::printf("one n x n matrix: %s (%s)\n", format_bytes(4 * n * n).c_str(), "float32");

  const Registry registry = builtin_registry();
  LinalgCache cache(split.train, threads.value_or(0));
  FitContext ctx(cache);
  ctx.registry = &registry;
  ctx.dtype = parse_dtype(dtype_text);

  // EASE end to end: the inverse, B^ in its storage, every test user scored in batches.
  std::printf("EASE (zero_diagonal, rank full):\n");
  stage("load (both files, every check)", load_seconds);
  const Solver& ease = registry.get("zero_diagonal");
  timer.restart();
  std::unique_ptr<FittedModel> model = ease.fit(ctx, ease.make_params({{"rank", "full"}, {"lambda", lambda}, {"p", 0}}));
  const double fit_seconds = timer.seconds();
  stage("Gram G = X^T X", cache.stats().gram_seconds);
  stage("SPD inverse (G + Lambda)^-1, in place", model->report().seconds.get("inverse").value_or(0) - cache.stats().gram_seconds);
  stage("B^ from C, objective", fit_seconds - model->report().seconds.get("inverse").value_or(0));
  timer.restart();
  const EvaluationResult scored = evaluate(*model, split.test, kMetrics);
  stage("evaluation (every test user, batched)", timer.seconds());
  model.reset();
  const double ease_total = end_to_end.seconds();
  const std::size_t ease_peak = peak_rss_bytes();
  print_metrics(scored);
  std::printf("  %-44s %9.2f s (target < 600 s)\n", "EASE end to end (load + fit + evaluate)", ease_total);
  std::printf("  %-44s %s = %.2f n^2 x 4 bytes (target < 2.3)%s\n", "peak RSS", format_bytes(ease_peak).c_str(),
              squares(ease_peak, n), fit_peaks ? "" : " (process-wide)");

  if (ranks.empty()) return 0;
  // Algorithm 1: one eigendecomposition at the largest rank serves every rank.
  std::printf("Algorithm 1 (closed_form_approx) at ranks %s, one decomposition:\n", ranks_text.c_str());
  const Solver& algorithm1 = registry.get("closed_form_approx");
  std::vector<Rank> sweep;
  for (std::size_t k : ranks) sweep.push_back(Rank::of(k));
  reset_peak_rss();
  cache.release();
  Timer since;
  algorithm1.fit_ranks(ctx, algorithm1.make_params({{"rank", ranks.back()}, {"lambda", lambda}, {"p", 0}}), sweep,
                       [&](const ParamSet& params, std::unique_ptr<FittedModel> fitted) {
                         const double fitted_after = since.seconds();
                         const FitReport& r = fitted->report();
                         std::printf(" rank %s: model after %.2f s (inverse %.2f s, eigen %.2f s)\n",
                                     params.rank("rank").str().c_str(), fitted_after, r.seconds.get("inverse").value_or(0),
                                     r.seconds.get("eigen").value_or(0));
                         Timer scoring;
                         const EvaluationResult result = evaluate(*fitted, split.test, kMetrics);
                         stage("evaluation", scoring.seconds());
                         print_metrics(result);
                         since.restart();
                         return true;
                       });
  const std::size_t peak = peak_rss_bytes();
  std::printf("  %-44s %s = %.2f n^2 x 4 bytes\n", "peak RSS", format_bytes(peak).c_str(), squares(peak, n));
  return 0;
}

}  // namespace aelab::bench
