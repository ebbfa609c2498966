// `mpirun -np P aelab bench distributed`: the ScaLAPACK backend's stages at one size (default n =
// 10,000 items), timed on every process (the slowest reported) with each process's memory: the
// block-cyclic share of one n x n matrix and the peak RSS. Run it at several P to see what a process
// holds and what distribution costs; on a machine with fewer cores than P it measures overhead, not
// speed-up. The data are random (the cost does not depend on the values), the same on every process.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <random>

#include "bench/suites.hpp"
#include "bench/training_matrices.hpp"
#include "cli/command_line.hpp"
#include "core/util/error.hpp"

#ifdef AELAB_DISTRIBUTED
#include <mpi.h>

#include "core/distributed/closed_form.hpp"
#include "core/distributed/evaluation.hpp"
#include "core/distributed/mpi_session.hpp"
#include "core/eval/metrics.hpp"
#include "core/solver/models.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#endif

namespace aelab::bench {

#ifdef AELAB_DISTRIBUTED
namespace {

double slowest(double seconds) {
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return seconds;
}

void print_stage(bool root, const char* stage, double seconds, const std::string& note = "") {
  if (!root) return;
  char line[200];
  std::snprintf(line, sizeof line, "%-34s %9.2f s  %s", stage, seconds, note.c_str());
  std::cout << line << std::endl;
}

struct Settings {
  std::size_t n = 10000, users = 20000, per_user = 50, heldout = 2000, rank = 100;
  int block = distributed::kDefaultBlock;
};

void run_stages(const distributed::MpiSession& session, const Settings& s) {
  using namespace distributed;
  const bool root = session.is_root();
  std::mt19937_64 rng(1);
  const BinaryCsr train = random_rows(s.users, s.n, s.per_user, rng);
  HeldOutSet set;
  set.fold_in = random_rows(s.heldout, s.n, s.per_user / 2, rng);
  set.held_out = random_rows(s.heldout, s.n, s.per_user / 2, rng);
  for (std::size_t u = 0; u < s.heldout; ++u) set.uids.push_back(u);
  const ProcessGrid grid;
  if (root)
    std::cout << "processes " << grid.size() << " (grid " << grid.rows() << " x " << grid.cols() << "), block " << s.block
              << "; train " << s.users << " users x " << s.n << " items, " << train.nnz() << " interactions; "
              << s.heldout << " held-out users\n\n";
  MPI_Barrier(MPI_COMM_WORLD);
  Timer total;
  const DistributedClosedForm<double> cf(grid, train, Regularizer{50, 0.25}, s.block);
  const std::size_t share = sizeof(double) * cf.inverse().local().n_elem;
  std::size_t largest_share = share;
  MPI_Allreduce(MPI_IN_PLACE, &largest_share, 1, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
  print_stage(root, "Gram G + Lambda (local blocks)", slowest(cf.gram_seconds()));
  print_stage(root, "inverse (pdpotrf + pdpotri + mirror)", slowest(cf.inverse_seconds()),
              "n x n share per process: " + format_bytes(largest_share));
  Timer stage;
  {
    const BlockCyclicMatrix<double> B = cf.full_rank_model(Shrinkage::zero_diagonal);
    print_stage(root, "B^ (copy of C, column scaling)", slowest(stage.seconds()));
    stage.restart();
    const EvaluationResult r = evaluate_distributed(B, set, default_metrics());
    print_stage(root, "evaluate B^ block-cyclic", slowest(stage.seconds()),
                "ndcg@100 " + std::to_string(r.summary("ndcg@100").mean));
  }
  stage.restart();
  const LowRankFactors<double> f = cf.factors(Shrinkage::zero_diagonal, static_cast<int>(s.rank));
  print_stage(root, ("Algorithm 1 factors, rank " + std::to_string(s.rank)).c_str(), slowest(stage.seconds()),
              "(eigen-matrix, pdsyevr, pdgemm, gather)");
  stage.restart();
  const EvaluationResult r = evaluate(LowRankModel<double>(f.U, f.V), set, default_metrics());
  print_stage(root, "evaluate rank-k model (local code)", slowest(stage.seconds()),
              "ndcg@100 " + std::to_string(r.summary("ndcg@100").mean));
  print_stage(root, "total", slowest(total.seconds()));
  unsigned long rss = peak_rss_bytes(), rss_max = 0, rss_sum = 0;
  MPI_Reduce(&rss, &rss_max, 1, MPI_UNSIGNED_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
  MPI_Reduce(&rss, &rss_sum, 1, MPI_UNSIGNED_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (root)
    std::cout << "\npeak RSS per process (largest) " << format_bytes(rss_max) << ", all processes "
              << format_bytes(rss_sum) << "; model estimate per process "
              << format_bytes(closed_form_bytes_per_process(s.n, grid.size(), s.rank)) << "\n";
}

}  // namespace
#endif

int bench_distributed(const Arguments& args) {
  const std::string command = "aelab bench distributed";
  cli::CommandLine cl(command,
                      "The ScaLAPACK backend's stages (Gram, inverse, B^ and its block-cyclic evaluation, Algorithm 1's\n"
                      "factors) at one size under mpirun -np P: time of the slowest process and memory per process.");
#ifdef AELAB_DISTRIBUTED
  Settings s;
  cl.option("--items", s.n, "N", "items (default 10000)")->check(cli::integer_at_least(2));
  cl.option("--users", s.users, "U", "training users (default 20000)")->check(cli::integer_at_least(1));
  cl.option("--per-user", s.per_user, "A", "training items per user (default 50; held-out users half each)")
      ->check(cli::integer_at_least(2));
  cl.option("--heldout", s.heldout, "H", "held-out users scored (default 2000)")->check(cli::integer_at_least(1));
  cl.option("--rank", s.rank, "K", "rank of Algorithm 1 (default 100)")->check(cli::integer_at_least(1));
  cl.option("--block", s.block, "B", "block size of the distribution (default 256)")->check(cli::integer_in(1, 65536));
  if (!cl.parse(args)) return 0;
  if (s.rank > s.n || s.per_user >= s.n) throw Error(command + ": --rank and --per-user must be below --items");
  distributed::MpiSession session(nullptr, nullptr);
  if (session.is_root()) {
    std::cout << "command: mpirun -np " << session.size() << " " << command;
    for (const auto& a : args) std::cout << " " << a;
    std::cout << "\nmachine: " << machine_description() << "\n";
  }
  return distributed::run_or_abort([&] {
    run_stages(session, s);
    return 0;
  });
#else
  if (!cl.parse(args)) return 0;
  throw Error(command + ": this aelab was built without AELAB_DISTRIBUTED (needs MPI and ScaLAPACK)");
#endif
}

}  // namespace aelab::bench
