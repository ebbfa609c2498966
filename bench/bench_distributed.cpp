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
#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/edlae_full_rank.hpp"
#include "core/linalg/eigen.hpp"
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
  char line[400];
  std::snprintf(line, sizeof line, "%-34s %9.2f s  %s", stage, seconds, note.c_str());
  std::cout << line << std::endl;
}

// The largest peak RSS of any process so far, as text (collective).
std::string largest_peak_rss() {
  unsigned long rss = peak_rss_bytes();
  MPI_Allreduce(MPI_IN_PLACE, &rss, 1, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
  return "peak RSS so far " + format_bytes(rss);
}

struct Settings {
  std::size_t n = 10000, users = 20000, per_user = 50, heldout = 2000, rank = 100;
  int block = distributed::kDefaultBlock;
  bool local = false;  // the single-process backend's kernels on the same data, for comparison
  std::string eigen = "auto";
};

struct BenchData {
  BinaryCsr train;
  HeldOutSet set;
};

BenchData bench_data(const Settings& s) {
  std::mt19937_64 rng(1);
  BenchData d{random_rows(s.users, s.n, s.per_user, rng), {}};
  d.set.fold_in = random_rows(s.heldout, s.n, s.per_user / 2, rng);
  d.set.held_out = random_rows(s.heldout, s.n, s.per_user / 2, rng);
  for (std::size_t u = 0; u < s.heldout; ++u) d.set.uids.push_back(u);
  return d;
}

void print_peak_rss(const std::string& what) {
  std::cout << "\npeak RSS " << what << " " << format_bytes(peak_rss_bytes()) << "\n";
}

// The same stages with the kernels the local solvers use (dense_gram, spd_inverse_in_place,
// edlae_full_rank_in_place, top_eigenpairs with its automatic method, one gemm for U), on one
// process: the reference the distributed figures are set against.
void run_local_stages(const Settings& s) {
  const BenchData d = bench_data(s);
  std::cout << "backend local (BLAS threads as OPENBLAS_NUM_THREADS gives); train " << s.users << " users x " << s.n
            << " items, " << d.train.nnz() << " interactions; " << s.heldout << " held-out users\n\n";
  Timer total, stage;
  const arma::vec lambda = lambda_diagonal(item_counts(d.train), 50, 0.25);
  arma::mat C;
  dense_gram(d.train, C);
  C.diag() += lambda;
  print_stage(true, "Gram G + Lambda (dense_gram)", stage.seconds());
  stage.restart();
  spd_inverse_in_place(C);
  print_stage(true, "inverse (potrf + potri + mirror)", stage.seconds());
  const arma::vec c = C.diag();
  stage.restart();
  {
    arma::mat B = C;
    edlae_full_rank_in_place(B);
    const DenseItemModel<double> model(std::move(B));
    print_stage(true, "B^ (copy of C, column scaling)", stage.seconds());
    stage.restart();
    const EvaluationResult r = evaluate(model, d.set, default_metrics());
    print_stage(true, "evaluate B^ (dense model)", stage.seconds(), "ndcg@100 " + std::to_string(r.summary("ndcg@100").mean));
  }
  stage.restart();
  const arma::vec sdiag = 1.0 / c;
  arma::mat M;
  dense_gram(d.train, M);
  M.diag() += lambda;
  shrunk_gram_in_place(M, C, sdiag);
  EigenOptions eigen;
  eigen.method = parse_eigen_method(s.eigen);
  const TopEigenpairs<double> eig = top_eigenpairs(M, s.rank, eigen);
  M.reset();
  arma::mat SV = eig.vectors;
  SV.each_col() %= sdiag;
  const arma::mat U = eig.vectors - C * SV;
  print_stage(true, ("Algorithm 1 factors, rank " + std::to_string(s.rank)).c_str(), stage.seconds(),
              "(eigen-matrix, " + eig.method + " eigen " + std::to_string(eig.seconds) + " s, gemm)");
  stage.restart();
  const EvaluationResult r = evaluate(LowRankModel<double>(U, eig.vectors), d.set, default_metrics());
  print_stage(true, "evaluate rank-k model (local code)", stage.seconds(),
              "ndcg@100 " + std::to_string(r.summary("ndcg@100").mean));
  print_stage(true, "total", total.seconds());
  print_peak_rss("(one process)");
}

void run_stages(const distributed::MpiSession& session, const Settings& s) {
  using namespace distributed;
  const bool root = session.is_root();
  const BenchData d = bench_data(s);
  const BinaryCsr& train = d.train;
  const HeldOutSet& set = d.set;
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
              "n x n share per process: " + format_bytes(largest_share) + "; " + largest_peak_rss());
  Timer stage;
  {
    const BlockCyclicMatrix<double> B = cf.full_rank_model(Shrinkage::zero_diagonal);
    const double model_seconds = slowest(stage.seconds());
    print_stage(root, "B^ (copy of C, column scaling)", model_seconds, largest_peak_rss());
    stage.restart();
    const EvaluationResult r = evaluate_distributed(B, set, default_metrics());
    const double evaluate_seconds = slowest(stage.seconds());
    print_stage(root, "evaluate B^ block-cyclic", evaluate_seconds,
                "ndcg@100 " + std::to_string(r.summary("ndcg@100").mean) + "; " + largest_peak_rss());
  }
  stage.restart();
  EigenOptions eigen;
  eigen.method = parse_eigen_method(s.eigen);
  const LowRankFactors<double> f = cf.factors(Shrinkage::zero_diagonal, static_cast<int>(s.rank), eigen);
  const double factor_seconds = slowest(stage.seconds());
  print_stage(root, ("Algorithm 1 factors, rank " + std::to_string(s.rank)).c_str(), factor_seconds,
              "(eigen-matrix, " + f.method + (f.matrix_products ? ", " + std::to_string(f.matrix_products) + " block products" : "") +
                  ", U = V - C S V); " + largest_peak_rss());
  stage.restart();
  const EvaluationResult r = evaluate(LowRankModel<double>(f.U, f.V), set, default_metrics());
  print_stage(root, "evaluate rank-k model (local code)", slowest(stage.seconds()),
              "ndcg@100 " + std::to_string(r.summary("ndcg@100").mean));
  print_stage(root, "total", slowest(total.seconds()));
  unsigned long rss = peak_rss_bytes(), others = session.is_root() ? 0 : rss, others_max = 0, rss_sum = 0;
  MPI_Reduce(&others, &others_max, 1, MPI_UNSIGNED_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
  MPI_Reduce(&rss, &rss_sum, 1, MPI_UNSIGNED_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (root)
    std::cout << "\npeak RSS: rank 0 " << format_bytes(rss) << ", largest other process "
              << (session.size() > 1 ? format_bytes(others_max) : std::string("-")) << ", all processes "
              << format_bytes(rss_sum) << "; model estimate per process "
              << format_bytes(closed_form_bytes_per_process(s.n, grid.size(), s.rank, sizeof(double), eigen))
              << " (rank 0: " << format_bytes(closed_form_rank0_extra_bytes(s.n, s.rank, sizeof(double), eigen))
              << " more)\n";
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
  cl.option("--eigen", s.eigen, "M", "top-k eigensolver of Algorithm 1: auto, block or dense (pdsyevr / syevr)")
      ->check(CLI::IsMember({"auto", "block", "dense"}));
  cl.flag("--local", s.local, "the same stages on the single-process backend's kernels (one process only)");
  if (!cl.parse(args)) return 0;
  if (s.rank > s.n || s.per_user >= s.n) throw Error(command + ": --rank and --per-user must be below --items");
  distributed::MpiSession session(nullptr, nullptr);
  if (session.is_root()) {
    std::cout << "command: " << (s.local ? "" : "mpirun -np " + std::to_string(session.size()) + " ") << command;
    for (const auto& a : args) std::cout << " " << a;
    std::cout << "\nmachine: " << machine_description() << "\n";
  }
  return distributed::run_or_abort([&] {
    distributed::agree_on_failure(s.local && session.size() > 1 ? command + ": --local runs on one process, not under mpirun -np " +
                                                                      std::to_string(session.size())
                                                                : std::string());
    if (s.local)
      run_local_stages(s);
    else
      run_stages(session, s);
    return 0;
  });
#else
  if (!cl.parse(args)) return 0;
  throw Error(command + ": this aelab was built without AELAB_DISTRIBUTED (needs MPI and ScaLAPACK)");
#endif
}

}  // namespace aelab::bench
