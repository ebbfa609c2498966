// `aelab bench eval`: evaluation throughput (scoring, top-100 ranking and metrics of held-out users,
// core/eval/metrics.hpp) for the two model shapes, at the BLAS thread count of the run and on one
// thread. The ranking of a batch's users is split over the BLAS threads, so the two rows show what
// the threads buy. Models and users are random (the cost does not depend on the values): fold-in
// and held-out rows of `--per-user` items each, drawn with replacement (repeats merge, so a row may
// hold slightly fewer).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <random>

#include "bench/suites.hpp"
#include "bench/training_matrices.hpp"
#include "cli/command_line.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/blas.hpp"
#include "core/solver/models.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::bench {

namespace {

void report(const std::string& model, const FittedModel& fitted, const HeldOutSet& set, int threads) {
  for (int t : {threads, 1}) {
    set_blas_threads(t);
    Timer timer;
    const EvaluationResult result = evaluate(fitted, set, default_metrics());
    const double seconds = timer.seconds();
    char line[160];
    std::snprintf(line, sizeof line, "%-18s %8d %10.3f %12.0f   (ndcg@100 %.4f over %zu users)", model.c_str(), t,
                  seconds, static_cast<double>(set.n_users()) / seconds, result.summary("ndcg@100").mean,
                  result.uids.size());
    std::cout << line << std::endl;
  }
  set_blas_threads(threads);
}

}  // namespace

int bench_eval(const Arguments& args) {
  const std::string command = "aelab bench eval";
  cli::CommandLine cl(command,
                      "Evaluation throughput (scores, top-100, nDCG@100 and Recall@20/50 per held-out user) of random\n"
                      "low-rank and dense models, at the run's BLAS threads and on one thread.");
  std::size_t n = 10000, users = 20000, per_user = 25;
  std::string ranks_text = "10,100,1000";
  bool no_dense = false;
  cl.option("--items", n, "N", "items (default 10000)")->check(cli::integer_at_least(2));
  cl.option("--users", users, "U", "held-out users (default 20000)")->check(cli::integer_at_least(1));
  cl.option("--per-user", per_user, "A", "fold-in and held-out items per user (default 25 each)")->check(cli::integer_at_least(1));
  cl.option("--ranks", ranks_text, "K,K,...", "ranks of the low-rank models (default 10,100,1000)")
      ->check(cli::positive_integer_list());
  cl.flag("--no-dense", no_dense, "skip the dense n x n model");
  if (!cl.parse(args)) return 0;
  if (per_user >= n) throw Error(command + ": --per-user must be below --items (" + std::to_string(n) + ")");
  const std::vector<std::size_t> ranks = cli::positive_integers(ranks_text, command, "--ranks");
  for (std::size_t k : ranks)
    if (k > n) throw Error(command + ": --ranks: rank " + std::to_string(k) + " exceeds --items " + std::to_string(n));
  const int threads = blas_threads();
  std::cout << "command: " << command;
  for (const auto& a : args) std::cout << " " << a;
  std::cout << "\ndata: " << users << " held-out users x " << n << " items, " << per_user
            << " fold-in and held-out items per user (random)\n\n";
  std::mt19937_64 rng(1);
  HeldOutSet set;
  set.fold_in = random_rows(users, n, per_user, rng);
  set.held_out = random_rows(users, n, per_user, rng);
  for (std::size_t u = 0; u < users; ++u) set.uids.push_back(u);

  std::cout << "model              threads  seconds      users/s\n";
  for (std::size_t k : ranks) {
    const arma::mat U(n, k, arma::fill::randn), V(n, k, arma::fill::randn);
    report("low rank k = " + std::to_string(k), LowRankModel<double>(U, V), set, threads);
  }
  if (!no_dense) report("dense n x n", DenseItemModel<double>(arma::mat(n, n, arma::fill::randn)), set, threads);
  return 0;
}

}  // namespace aelab::bench
