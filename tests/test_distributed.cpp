// The ScaLAPACK backend (core/distributed/) against the single-process code, run by CTest under
// mpirun at 1, 2 and 4 processes (tests/CMakeLists.txt). Block sizes are small so that every process
// holds several blocks in each direction, and every comparison is shown to fail when one block of
// the distributed result is perturbed.
#include <doctest/doctest.h>

#include <cmath>

#include <mpi.h>

#include "core/distributed/block_cyclic_matrix.hpp"
#include "core/distributed/closed_form.hpp"
#include "core/distributed/distributed_eigen.hpp"
#include "core/distributed/distributed_linalg.hpp"
#include "core/distributed/evaluation.hpp"
#include "core/distributed/mpi_session.hpp"
#include "core/distributed/process_grid.hpp"
#include "core/data/vae_cf.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/solver/models.hpp"
#include "core/solver/registry.hpp"
#include "solvers/builtin.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using namespace aelab::distributed;

namespace {

// MPI lives for the whole test binary: initialised before doctest's main, finalised after it.
MpiSession& session() {
  static MpiSession s(nullptr, nullptr);
  return s;
}
const bool kSessionStarted = (session(), true);

// Adds `delta` to the first local block of process `rank` (the others are untouched).
template <typename T>
void perturb_one_block(BlockCyclicMatrix<T>& M, int rank, double delta) {
  if (M.grid().rank() != rank || M.local_rows() == 0 || M.local_cols() == 0) return;
  const int b = M.block();
  M.local().submat(0, 0, static_cast<arma::uword>(std::min(b, M.local_rows()) - 1),
                   static_cast<arma::uword>(std::min(b, M.local_cols()) - 1)) += static_cast<T>(delta);
}

int last_rank() { return session().size() - 1; }

}  // namespace

TEST_CASE("near-square grids: P = rows x cols with rows <= cols as close to sqrt P as P allows") {
  int r = 0, c = 0;
  for (auto [p, rows, cols] : {std::tuple{1, 1, 1}, {2, 1, 2}, {4, 2, 2}, {6, 2, 3}, {7, 1, 7}, {12, 3, 4}, {1024, 32, 32}}) {
    ProcessGrid::near_square(p, r, c);
    CHECK(r == rows);
    CHECK(c == cols);
  }
}

TEST_CASE("block-cyclic index maps are inverse to each other and every element has one owner") {
  ProcessGrid grid;
  BlockCyclicMatrix<double> M(grid, 53, 41, 4);
  for (int li = 0; li < M.local_rows(); ++li) CHECK(M.local_row(M.global_row(li)) == li);
  for (int lj = 0; lj < M.local_cols(); ++lj) CHECK(M.local_col(M.global_col(lj)) == lj);
  for (int li = 0; li < M.local_rows(); ++li)
    for (int lj = 0; lj < M.local_cols(); ++lj) M.local().at(li, lj) = 1000.0 * M.global_row(li) + M.global_col(lj);
  const arma::mat full = M.gathered();
  double worst = 0;
  for (arma::uword i = 0; i < full.n_rows; ++i)
    for (arma::uword j = 0; j < full.n_cols; ++j) worst = std::max(worst, std::abs(full(i, j) - (1000.0 * i + j)));
  CHECK(worst == 0);
}

TEST_CASE("distributed Gram and (G + Lambda)^{-1} equal the single-process ones to 1e-10") {
  const BinaryCsr X = test::random_binary(400, 97, 0.08, 11);
  ProcessGrid grid;
  // Block 8: 13 blocks per direction, so at 2 x 2 every process owns >= 6 blocks in each direction.
  const int block = 8;
  BlockCyclicMatrix<double> G(grid, 97, 97, block);
  CHECK(G.local_rows() >= 2 * block);
  CHECK(G.local_cols() >= 2 * block);
  distributed_gram(X, G);
  arma::mat G_local;
  dense_gram(X, G_local, 1);
  CHECK(arma::abs(G.gathered() - G_local).max() < 1e-10);

  const arma::vec g = G_local.diag();
  const arma::vec lambda = lambda_diagonal(g, 5.0, 0.25);
  BlockCyclicMatrix<double> C(grid, 97, 97, block), work(grid, 97, 97, block);
  distributed_gram(X, C, lambda);
  spd_inverse_in_place(C, work);
  arma::mat C_local = G_local;
  C_local.diag() += lambda;
  spd_inverse_in_place(C_local);
  const double scale = arma::abs(C_local).max();
  CHECK(arma::abs(C.gathered() - C_local).max() < 1e-10 * scale);
  CHECK(arma::abs(C.gathered_diagonal() - C_local.diag()).max() < 1e-10 * scale);

  perturb_one_block(C, last_rank(), 1e-8 * scale);
  CHECK(arma::abs(C.gathered() - C_local).max() > 1e-10 * scale);
}

TEST_CASE("every process scores the same batches, whatever its number of columns") {
  ProcessGrid grid;
  // 10,000 columns in blocks of 256 give grid columns 5,120 and 4,880 columns on a 1 x 2 grid.
  BlockCyclicMatrix<double> W(grid, 1, 10000, 256);
  BlockCyclicMatrix<double> square(grid, 1000, 1000, 256);
  for (const BlockCyclicMatrix<double>* M : {&W, &square}) {
    unsigned long mine = default_batch_users(*M), lowest = mine, highest = mine;
    MPI_Allreduce(MPI_IN_PLACE, &lowest, 1, MPI_UNSIGNED_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &highest, 1, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
    CHECK(lowest == highest);
    CHECK(mine >= 1);
  }
}

TEST_CASE("float32 (ps* routines): the Gram equals float64's exactly, the inverse agrees with LAPACK's float32 one") {
  const BinaryCsr X = test::random_binary(400, 97, 0.08, 11);
  ProcessGrid grid;
  BlockCyclicMatrix<float> G(grid, 97, 97, 8), C(grid, 97, 97, 8), work(grid, 97, 97, 8);
  distributed_gram(X, G);
  arma::mat G_local;
  dense_gram(X, G_local, 1);
  CHECK(arma::abs(arma::conv_to<arma::mat>::from(G.gathered()) - G_local).max() == 0);
  const arma::vec lambda = lambda_diagonal(G_local.diag(), 5.0, 0.25);
  distributed_gram(X, C, lambda);
  spd_inverse_in_place(C, work);
  arma::fmat C_local = arma::conv_to<arma::fmat>::from(G_local);
  C_local.diag() += arma::conv_to<arma::fvec>::from(lambda);
  spd_inverse_in_place(C_local);
  const float scale = arma::abs(C_local).max();
  CHECK(arma::abs(C.gathered() - C_local).max() < 1e-4f * scale);
  perturb_one_block(C, last_rank(), 1e-2 * scale);
  CHECK(arma::abs(C.gathered() - C_local).max() > 1e-4f * scale);
}

TEST_CASE("a matrix that is not positive definite is reported with its leading minor") {
  const BinaryCsr X = test::random_binary(50, 30, 0.1, 3);
  ProcessGrid grid;
  BlockCyclicMatrix<double> A(grid, 30, 30, 4), work(grid, 30, 30, 4);
  distributed_gram(X, A, arma::vec(30, arma::fill::value(-1000.0)));
  CHECK_THROWS_WITH(spd_inverse_in_place(A, work), doctest::Contains("not positive definite"));
}

// Block 16 against rank 3 is where pdsyevr's own workspace for its back-transformation is too small
// unless more pairs are asked for (core/distributed/distributed_linalg.cpp).
TEST_CASE("distributed factors give the single-process low-rank models on a small random case") {
  const BinaryCsr X = test::random_binary(300, 61, 0.1, 5);
  ProcessGrid grid;
  LinalgCache cache(X);
  FitContext ctx(cache);
  const Registry registry = builtin_registry();
  for (int block : {4, 16}) {
    DistributedClosedForm<double> dist(grid, X, Regularizer{10.0, 0.2}, block);
    for (auto [name, kind] : {std::pair{"closed_form_approx", Shrinkage::zero_diagonal}, {"unconstrained", Shrinkage::ridge}})
      for (int k : {3, 20}) {
        CAPTURE(block);
        CAPTURE(name);
        CAPTURE(k);
        const LowRankFactors<double> f = dist.factors(kind, k);
        CHECK(f.U.n_cols == static_cast<arma::uword>(k));
        CHECK(f.max_residual < 1e-10);
        const SolverSpec spec = parse_solver_spec(registry, std::string(name) + ":rank=" + std::to_string(k) +
                                                                ",lambda=10,p=0.2,eigen=dense");
        const auto model = spec.solver->fit(ctx, spec.params);
        const auto& low = dynamic_cast<const LowRankModel<double>&>(*model);
        const arma::mat W_local = low.U() * low.V().t();
        CHECK(arma::abs(f.U * f.V.t() - W_local).max() < 1e-9 * arma::abs(W_local).max());
      }
  }
}

TEST_CASE("a block of vectors times a block-cyclic matrix: every process gets A Q, and a perturbed block shows") {
  ProcessGrid grid;
  const arma::uword n = 90;
  arma::arma_rng::set_seed(3);
  const arma::mat A_full = arma::randn(n, n), Q = arma::randn(n, 7);  // the same draws on every process
  BlockCyclicMatrix<double> A(grid, static_cast<int>(n), static_cast<int>(n), 8);
  for (int lj = 0; lj < A.local_cols(); ++lj)
    for (int li = 0; li < A.local_rows(); ++li)
      A.local().at(li, lj) = A_full.at(A.global_row(li), A.global_col(lj));
  const arma::mat expected = A_full * Q;
  CHECK(arma::abs(replicated_product(A, Q) - expected).max() < 1e-12 * arma::abs(expected).max());
  perturb_one_block(A, last_rank(), 0.5);
  CHECK(arma::abs(replicated_product(A, Q) - expected).max() > 0.1);
}

TEST_CASE("Algorithm 1 and the unconstrained factors by the block method on distributed products equal pdsyevr's and the local ones") {
  // n = 400, k = 10: the block method's basis fits in n / 2, so "auto" takes it; several blocks of 16
  // per process in each direction at P = 4.
  const BinaryCsr X = test::random_binary(900, 400, 0.05, 11);
  ProcessGrid grid;
  LinalgCache cache(X);
  FitContext ctx(cache);
  const Registry registry = builtin_registry();
  DistributedClosedForm<double> dist(grid, X, Regularizer{20.0, 0.25}, 16);
  EigenOptions dense;
  dense.method = EigenMethod::dense;
  for (auto [name, kind] : {std::pair{"closed_form_approx", Shrinkage::zero_diagonal}, {"unconstrained", Shrinkage::ridge}}) {
    CAPTURE(name);
    const LowRankFactors<double> by_blocks = dist.factors(kind, 10);
    const LowRankFactors<double> by_pdsyevr = dist.factors(kind, 10, dense);
    CHECK(by_blocks.method == "block");
    CHECK(by_blocks.matrix_products > 0);
    CHECK(by_pdsyevr.method == "scalapack pdsyevr");
    CHECK(by_blocks.max_residual <= 1e-10);
    CHECK(arma::abs(by_blocks.values - by_pdsyevr.values).max() < 1e-9 * by_pdsyevr.values(0));
    const arma::mat W_blocks = by_blocks.U * by_blocks.V.t(), W_pdsyevr = by_pdsyevr.U * by_pdsyevr.V.t();
    CHECK(arma::abs(W_blocks - W_pdsyevr).max() < 1e-8 * arma::abs(W_pdsyevr).max());
    const SolverSpec spec = parse_solver_spec(registry, std::string(name) + ":rank=10,lambda=20,p=0.25,eigen=block");
    const auto model = spec.solver->fit(ctx, spec.params);
    const auto& low = dynamic_cast<const LowRankModel<double>&>(*model);
    CHECK(arma::abs(W_blocks - low.U() * low.V().t()).max() < 1e-8 * arma::abs(W_pdsyevr).max());
    // The eigenvalue after the cut-off (the eigen-gap of the report), which pdsyevr need not compute.
    REQUIRE(low.report().eigen.has_value());
    CHECK(std::abs(by_blocks.next_value - low.report().eigen->next_value) < 1e-9 * by_pdsyevr.values(0));
  }
  EigenOptions arpack;
  arpack.method = EigenMethod::arpack;
  CHECK_THROWS_WITH_AS(dist.factors(Shrinkage::zero_diagonal, 10, arpack),
                       doctest::Contains("no distributed form"), Error);
}

namespace {

void check_same_metrics(const EvaluationResult& dist, const EvaluationResult& local) {
  CHECK(dist.uids == local.uids);
  CHECK(dist.n_excluded == local.n_excluded);
  CHECK(dist.n_nonfinite_scores == local.n_nonfinite_scores);
  for (const auto& [metric, values] : local.per_user) {
    CAPTURE(metric);
    const auto it = dist.per_user.find(metric);
    REQUIRE(it != dist.per_user.end());
    REQUIRE(it->second.size() == values.size());
    double worst = 0;
    for (std::size_t u = 0; u < values.size(); ++u) worst = std::max(worst, std::abs(it->second[u] - values[u]));
    CHECK(worst < 1e-9);
    CHECK(std::abs(dist.summary(metric).mean - local.summary(metric).mean) < 1e-9);
  }
}

double largest_metric_difference(const EvaluationResult& a, const EvaluationResult& b) {
  double worst = 0;
  for (const auto& [metric, values] : b.per_user)
    for (std::size_t u = 0; u < values.size(); ++u) worst = std::max(worst, std::abs(a.per_user.at(metric)[u] - values[u]));
  return worst;
}

// The single-process models of a rank sweep of `solver` (ranks ascending), by its own fit_ranks.
std::vector<std::unique_ptr<FittedModel>> local_sweep(FitContext& ctx, const Registry& registry, const std::string& solver,
                                                      const std::string& params, const std::vector<Rank>& ranks) {
  const SolverSpec spec = parse_solver_spec(registry, solver + ":" + params);
  std::vector<std::unique_ptr<FittedModel>> out;
  spec.solver->fit_ranks(ctx, spec.params, ranks, [&](const ParamSet&, std::unique_ptr<FittedModel> m) {
    out.push_back(std::move(m));
    return true;
  });
  return out;
}

}  // namespace

SHARED_DATA_TEST_CASE("real split: EASE, full-rank EDLAE and DLAE, Algorithm 1 and the unconstrained model at ranks 10..200 give the single-process metrics") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings, 10));
  MESSAGE("ml-latest-small, items with >= 10 rows: n = " << split.n_items());
  const Registry registry = builtin_registry();
  LinalgCache cache(split.train);
  FitContext ctx(cache);
  const std::vector<MetricSpec> metrics = default_metrics();
  ProcessGrid grid;
  // Block 32: n / 32 blocks per direction, many per process even on a 2 x 2 grid.
  const int block = 32;
  const std::vector<Rank> ranks = {Rank::of(10), Rank::of(50), Rank::of(100), Rank::of(200)};

  {
    // EASE (p = 0) is zero_diagonal at full rank.
    DistributedClosedForm<double> ease(grid, split.train, Regularizer{200, 0}, block);
    BlockCyclicMatrix<double> B = ease.full_rank_model(Shrinkage::zero_diagonal);
    const auto local = local_sweep(ctx, registry, "zero_diagonal", "lambda=200,p=0", {Rank::full_rank()});
    const EvaluationResult expected = evaluate(*local.at(0), split.test, metrics);
    check_same_metrics(evaluate_distributed(B, split.test, metrics), expected);
    // The comparison can fail: one block of B^ off by a little changes rankings.
    perturb_one_block(B, last_rank(), 0.05);
    CHECK(largest_metric_difference(evaluate_distributed(B, split.test, metrics), expected) > 1e-3);
  }

  DistributedClosedForm<double> dist(grid, split.train, Regularizer{50, 0.25}, block);
  for (auto [solver, kind] : {std::pair{"closed_form_approx", Shrinkage::zero_diagonal}, {"unconstrained", Shrinkage::ridge}}) {
    CAPTURE(solver);
    std::vector<Rank> sweep = ranks;
    sweep.push_back(Rank::full_rank());
    const auto local = local_sweep(ctx, registry, solver, "lambda=50,p=0.25", sweep);
    REQUIRE(local.size() == sweep.size());
    const LowRankFactors<double> f = dist.factors(kind, 200);
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      const arma::uword k = ranks[r].k;
      CAPTURE(k);
      const LowRankModel<double> model(f.U.cols(0, k - 1), f.V.cols(0, k - 1));
      check_same_metrics(evaluate(model, split.test, metrics), evaluate(*local[r], split.test, metrics));
    }
    const BlockCyclicMatrix<double> W = dist.full_rank_model(kind);
    check_same_metrics(evaluate_distributed(W, split.test, metrics, 7), evaluate(*local.back(), split.test, metrics));
  }
}

SHARED_DATA_TEST_CASE("real split: float32 on the grid agrees with float64 to 1e-3 in nDCG@100 (B^ and Algorithm 1 at rank 50)") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings, 10));
  ProcessGrid grid;
  const std::vector<MetricSpec> metrics = default_metrics();
  const Regularizer reg{50, 0.25};
  DistributedClosedForm<double> f64(grid, split.train, reg, 32);
  DistributedClosedForm<float> f32(grid, split.train, reg, 32);
  const double dense64 = evaluate_distributed(f64.full_rank_model(Shrinkage::zero_diagonal), split.test, metrics).summary("ndcg@100").mean;
  const double dense32 = evaluate_distributed(f32.full_rank_model(Shrinkage::zero_diagonal), split.test, metrics).summary("ndcg@100").mean;
  CHECK(std::abs(dense32 - dense64) < 1e-3);
  const LowRankFactors<double> a = f64.factors(Shrinkage::zero_diagonal, 50);
  const LowRankFactors<float> b = f32.factors(Shrinkage::zero_diagonal, 50);
  CHECK(b.max_residual < 1e-3);
  const double low64 = evaluate(LowRankModel<double>(a.U, a.V), split.test, metrics).summary("ndcg@100").mean;
  const double low32 = evaluate(LowRankModel<float>(b.U, b.V), split.test, metrics).summary("ndcg@100").mean;
  CHECK(std::abs(low32 - low64) < 1e-3);
  // Not the same numbers to the last digit: float32 is float32.
  CHECK(arma::abs(arma::conv_to<arma::mat>::from(b.U * b.V.t()) - a.U * a.V.t()).max() > 1e-12);
}
