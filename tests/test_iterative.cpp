// The iterative solvers: zero-diagonal ALS (docs/MATH.md §2.3) and the published ADMM (docs/MATH.md §2.4), their
// objective traces, divergence handling, full-rank end points (docs/MATH.md §2.2) and a real-data check.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/eval/metrics.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/objective.hpp"
#include "core/linalg/random_start.hpp"
#include "core/linalg/small_spd.hpp"
#include "core/solver/models.hpp"
#include "solvers/admm/admm_updates.hpp"
#include "solvers/builtin.hpp"
#include "solvers/zero_diagonal/zero_diagonal_als.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

// Positive ratings (> 3.5) of ml-latest-small as user -> movies, users in id order, rows in file order.
std::map<std::int64_t, std::vector<std::int64_t>> positive_ratings(const std::string& path) {
  const RawInteractions raw = load_interactions({"movielens-csv", path});
  std::map<std::int64_t, std::vector<std::int64_t>> by_user;
  for (std::size_t r = 0; r < raw.n_rows(); ++r)
    if (raw.value[r] > 3.5) by_user[raw.users.number(raw.user[r])].push_back(raw.items.number(raw.item[r]));
  return by_user;
}

// The users of ml-latest-small restricted to its `n` most popular movies (positive ratings): small
// real data with real co-occurrence structure, for the dense reference comparisons.
BinaryCsr top_movies(const std::string& path, std::size_t n) {
  const auto by_user = positive_ratings(path);
  std::map<std::int64_t, long> count;
  for (const auto& [user, movies] : by_user)
    for (std::int64_t m : movies) ++count[m];
  std::vector<std::pair<long, std::int64_t>> order;  // (-count, movie): most popular first, ties by id
  for (const auto& [movie, c] : count) order.emplace_back(-c, movie);
  std::sort(order.begin(), order.end());
  std::map<std::int64_t, std::uint32_t> column;
  for (std::size_t j = 0; j < n; ++j) column[order[j].second] = static_cast<std::uint32_t>(j);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::uint32_t row = 0;
  for (const auto& [user, movies] : by_user) {
    bool any = false;
    for (std::int64_t m : movies)
      if (auto it = column.find(m); it != column.end()) pairs.emplace_back(row, it->second), any = true;
    row += any ? 1 : 0;
  }
  return BinaryCsr::from_pairs(row, n, std::move(pairs));
}

// The small problems' dense quantities, computed independently of the solvers' code paths.
struct Dense {
  arma::mat X, G, C;
  arma::vec Lambda;
  Dense(const BinaryCsr& train, double lambda, double p) {
    X = train.to_dense<double>();
    G = X.t() * X;
    Lambda = lambda + p / (1 - p) * arma::vec(G.diag());
    C = arma::inv_sympd(G + arma::diagmat(Lambda));
  }
  // Eq. 7 by its definition, with the m x n products.
  double objective(const arma::mat& W) const {
    arma::mat Wt = W;
    Wt.diag().zeros();
    return std::pow(arma::norm(X - X * Wt, "fro"), 2) +
           std::pow(arma::norm(arma::diagmat(arma::sqrt(Lambda)) * Wt, "fro"), 2);
  }
  arma::mat full_rank() const {  // B^ = I - C diagMat(1 / diag C), diagonal exactly 0
    arma::mat B = arma::eye(C.n_rows, C.n_cols) - C * arma::diagmat(1.0 / C.diag());
    B.diag().zeros();
    return B;
  }
};

std::unique_ptr<FittedModel> fit(FitContext& ctx, const std::string& spec) {
  static const Registry registry = builtin_registry();
  ctx.registry = &registry;
  const SolverSpec s = parse_solver_spec(registry, spec);
  return s.solver->fit(ctx, s.params);
}

const LowRankModel<double>& low_rank(const std::unique_ptr<FittedModel>& model) {
  const auto* m = dynamic_cast<const LowRankModel<double>*>(model.get());
  REQUIRE(m != nullptr);
  return *m;
}

double max_abs(const arma::mat& M) { return arma::abs(M).max(); }

// The published ADMM written out line by line with dense n x n matrices: explicit R and inverses,
// and diag(G U V^T) from the full n^3 product.
void reference_admm(const Dense& d, double omega, arma::mat& U, arma::mat& V, int epochs) {
  const arma::uword n = d.G.n_rows;
  const arma::vec g = d.G.diag();
  const arma::vec Omega = d.Lambda + omega;
  const arma::mat P = arma::inv(d.G + arma::diagmat(d.Lambda));
  arma::vec beta(n, arma::fill::zeros), gamma(n, arma::fill::zeros);
  for (int e = 0; e < epochs; ++e) {
    const arma::mat R = d.G * arma::diagmat(1 + beta) + arma::diagmat(Omega % (beta - gamma));
    const arma::mat Vt = arma::inv(U.t() * (d.G + arma::diagmat(d.Lambda) + arma::diagmat(Omega)) * U) * U.t() * R;
    V = Vt.t();
    U = P * R * V * arma::inv(V.t() * V);
    const arma::mat W = U * V.t();
    const arma::vec dvec = W.diag();
    const arma::mat GW = d.G * W;
    beta = (arma::vec(GW.diag()) - g + Omega % (dvec + gamma)) / (g + omega);
    beta = arma::clamp(beta, 0.0, arma::datum::inf);
    gamma += dvec - beta;
  }
}

}  // namespace

TEST_CASE("SmallSpdSystem solves X A = B and refuses singular or indefinite systems") {
  arma::arma_rng::set_seed(4);
  const arma::mat F = arma::randn(8, 5);
  const arma::mat A = F.t() * F + 0.1 * arma::eye(5, 5);
  const arma::mat B = arma::randn(7, 5);
  const SmallSpdSystem<double> system(A);
  REQUIRE(system.ok());
  arma::mat X = B;
  system.right_solve_in_place(X);
  CHECK(max_abs(X * A - B) < 1e-12);
  arma::mat singular = F.t() * F;
  singular.col(4) = singular.col(3);
  singular.row(4) = singular.row(3);
  CHECK_FALSE(SmallSpdSystem<double>(singular).ok());
  CHECK_FALSE(SmallSpdSystem<double>(arma::mat(-A)).ok());
  arma::mat with_nan = A;
  with_nan(1, 2) = arma::datum::nan;
  CHECK_FALSE(SmallSpdSystem<double>(with_nan).ok());
}

SHARED_DATA_TEST_CASE("zero_diagonal ALS: diag(UV^T) = 0 after every epoch and the objective never increases") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  struct Case {
    BinaryCsr X;
    double lambda, p;
  };
  const std::vector<Case> cases = {{top_movies(ratings, 50), 5.0, 0.33},
                                   {top_movies(ratings, 50), 100.0, 0.0},
                                   {test::random_binary(90, 35, 0.15, 11), 2.0, 0.5}};
  for (const Case& c : cases) {
    const Dense dense(c.X, c.lambda, c.p);
    LinalgCache cache(c.X);
    FitContext ctx(cache);
    for (int k : {2, 4, 12}) {
      CAPTURE(k);
      CAPTURE(c.lambda);
      // Each epoch count is a separate fit from the same start, checked with the dense definitions,
      // so the test does not rely on the solver's own trace.
      double previous = std::numeric_limits<double>::infinity();
      for (int epochs = 1; epochs <= 8; ++epochs) {
        CAPTURE(epochs);
        const auto model = fit(ctx, "zero_diagonal:rank=" + std::to_string(k) + ",lambda=" + std::to_string(c.lambda) +
                                        ",p=" + std::to_string(c.p) + ",epochs=" + std::to_string(epochs) + ",seed=3");
        const arma::mat W = low_rank(model).U() * low_rank(model).V().t();
        CHECK(max_abs(W.diag()) <= 1e-10);
        const double objective = dense.objective(W);
        CHECK(model->report().objective.value() == doctest::Approx(objective).epsilon(1e-10));
        // Both steps are exact minimisers (zero_diagonal_als.hpp): only rounding may show as a rise.
        CHECK(objective <= previous * (1 + 1e-12));
        previous = objective;
        // The trace agrees with the independent values.
        const auto& trace = model->report().trace;
        REQUIRE(trace.points.size() == static_cast<std::size_t>(epochs) + 1);
        CHECK(trace.points[0].objective == doctest::Approx(arma::trace(dense.G)));
        CHECK(trace.points.back().objective == doctest::Approx(objective).epsilon(1e-10));
        for (const auto& row : trace.points) CHECK(row.residual <= 1e-10);
        CHECK(model->report().warnings.empty());
      }
    }
  }
}

TEST_CASE("zero_diagonal: rank 1 is degenerate and is refused") {
  // diag(u v^T) = 0 forces u_j v_j = 0: from a start with every v_j != 0 the U-step's only feasible
  // point is u = 0 (zero_diagonal_als.hpp). Iterating on its rounding residue made the objective jump
  // back to tr G; the run must stop instead, and the plugin refuses rank 1 up front.
  const BinaryCsr X = test::random_binary(90, 35, 0.15, 11);
  const Dense dense(X, 2.0, 0.5);
  CHECK_THROWS_WITH_AS(zero_diagonal_als<double>(dense.G, dense.C, dense.Lambda,
                                                 gaussian_start<double>(35, 1, kReferenceStartStddev, 3), 8),
                       doctest::Contains("epoch 1 failed: the U-step's only feasible point is U = 0"), Error);
  LinalgCache cache(X);
  FitContext ctx(cache);
  CHECK_THROWS_WITH_AS(fit(ctx, "zero_diagonal:rank=1,lambda=2,p=0.5"), doctest::Contains("rank 1 is degenerate"),
                       Error);
}

TEST_CASE("zero_diagonal at rank n equals B^ of docs/MATH.md §2.2; rank full returns B^ and its O(n) objective") {
  const BinaryCsr X = test::random_binary(80, 30, 0.2, 21);
  const Dense dense(X, 4.0, 0.25);
  const arma::mat B = dense.full_rank();
  LinalgCache cache(X);
  FitContext ctx(cache);
  const auto als = fit(ctx, "zero_diagonal:rank=30,lambda=4,p=0.25,epochs=3");
  const arma::mat W = low_rank(als).U() * low_rank(als).V().t();
  CHECK(max_abs(W - B) <= 1e-6);

  for (const std::string solver : {"zero_diagonal", "admm"}) {
    const auto model = fit(ctx, solver + ":rank=full,lambda=4,p=0.25");
    const auto* full = dynamic_cast<const DenseItemModel<double>*>(model.get());
    REQUIRE(full != nullptr);
    CHECK(max_abs(full->W() - B) <= 1e-12);
    CHECK(arma::all(full->W().diag() == 0.0));
    // L(B^) = sum_j (1 / C_jj - Lambda_jj) equals the definition of Eq. 7.
    CHECK(model->report().objective.value() == doctest::Approx(dense.objective(B)).epsilon(1e-11));
  }
}

TEST_CASE("zero_diagonal guards the 0/0 of an item without co-occurrences") {
  // Items 0..24 from random data; item 25 is held by two extra users who hold nothing else, so
  // G_{25,i} = 0 for every other i: the U-step makes u_25 = 0, the V-step's eta_25 is 0/0.
  const BinaryCsr base = test::random_binary(70, 25, 0.2, 5);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::size_t r = 0; r < base.n_rows(); ++r)
    for (std::uint32_t c : base.row(r)) pairs.emplace_back(static_cast<std::uint32_t>(r), c);
  pairs.emplace_back(70, 25);
  pairs.emplace_back(71, 25);
  const BinaryCsr X = BinaryCsr::from_pairs(72, 26, pairs);
  const Dense dense(X, 3.0, 0.2);
  REQUIRE(arma::accu(arma::abs(dense.G.col(25))) == dense.G(25, 25));

  // From the seeded start the item's factors shrink to rounding noise; from a start whose row 25 is
  // exactly zero both guards act in every epoch (without them: a zero pivot in the Hadamard system,
  // then 0/0 = NaN) and the item's factors stay exactly zero, its optimum.
  arma::mat zero_row_start = gaussian_start<double>(26, 4, kReferenceStartStddev, 9);
  zero_row_start.row(25).zeros();
  for (bool exact_zero : {false, true}) {
    CAPTURE(exact_zero);
    const arma::mat V0 = exact_zero ? zero_row_start : gaussian_start<double>(26, 4, kReferenceStartStddev, 9);
    const auto result = zero_diagonal_als<double>(dense.G, dense.C, dense.Lambda, V0, 8);
    REQUIRE_FALSE(result.trace.stopped());
    REQUIRE(result.returned_epoch == 8);
    CHECK(result.U.is_finite());
    CHECK(result.V.is_finite());
    const arma::mat W = result.U * result.V.t();
    CHECK(max_abs(W.diag()) <= 1e-10);
    CHECK(max_abs(W.row(25)) <= 1e-12);
    CHECK(max_abs(W.col(25)) <= 1e-12);
    if (exact_zero) {
      CHECK(arma::all(result.U.row(25) == 0.0));
      CHECK(arma::all(result.V.row(25) == 0.0));
    }
    for (std::size_t i = 1; i < result.trace.rows().size(); ++i)
      CHECK(result.trace.rows()[i].objective <= result.trace.rows()[i - 1].objective * (1 + 1e-12));
  }
}

SHARED_DATA_TEST_CASE("admm equals a line-by-line dense reference of the published updates for 5 epochs") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const BinaryCsr X = top_movies(ratings, 50);
  LinalgCache cache(X);
  FitContext ctx(cache);
  struct Case {
    double lambda, p, omega;
    int k;
  };
  for (const Case c : {Case{5, 0.33, 500, 3}, Case{50, 0.0, 50, 10}, Case{20, 0.5, 200, 50}}) {
    CAPTURE(c.k);
    CAPTURE(c.lambda);
    const Dense dense(X, c.lambda, c.p);
    for (int epochs = 1; epochs <= 5; ++epochs) {
      CAPTURE(epochs);
      arma::mat U = gaussian_start<double>(50, c.k, kReferenceStartStddev, 17), V;
      reference_admm(dense, c.omega, U, V, epochs);
      const auto model = fit(ctx, "admm:rank=" + std::to_string(c.k) + ",lambda=" + std::to_string(c.lambda) +
                                      ",p=" + std::to_string(c.p) + ",omega=" + std::to_string(c.omega) +
                                      ",epochs=" + std::to_string(epochs) + ",seed=17");
      CHECK(max_abs(low_rank(model).U() - U) <= 1e-10 * max_abs(U));
      CHECK(max_abs(low_rank(model).V() - V) <= 1e-10 * max_abs(V));
      // The O(n^2 k) objective of the returned model equals the definition.
      CHECK(model->report().objective.value() ==
            doctest::Approx(dense.objective(U * V.t())).epsilon(1e-9));
    }
  }
}

SHARED_DATA_TEST_CASE("admm: the objective falls below its start over the first epochs") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const BinaryCsr X = top_movies(ratings, 50);
  LinalgCache cache(X);
  FitContext ctx(cache);
  for (int k : {3, 10}) {
    CAPTURE(k);
    const auto model = fit(ctx, "admm:rank=" + std::to_string(k) + ",lambda=5,p=0.33,omega=500,epochs=2");
    const auto& trace = model->report().trace;
    REQUIRE(trace.points.size() == 3);
    const double start = trace.points[0].objective;
    CHECK(start == doctest::Approx(arma::accu(X.to_dense<double>())));  // L(W = 0) = tr G = nnz
    CHECK(trace.points[1].objective < 0.7 * start);
    CHECK(trace.points[2].objective < trace.points[1].objective);
    CHECK(model->report().stop_reason.empty());
  }
}

TEST_CASE("admm's stop reason says what the objective did: diverged only after a rise, else still falling") {
  const std::string problem = "the V-step system is singular";
  IterationTrace falling("max|d - beta|");
  falling.record({0, 100.0, 0, 0});
  CHECK(admm_stop_description(falling, problem) == problem);  // nothing completed: nothing to say
  falling.record({1, 60.0, 0.1, 1});
  falling.record({2, 55.0, 0.1, 1});
  CHECK(admm_stop_description(falling, problem) ==
        problem + " while the objective was still falling (epoch 2 objective 55, the best so far): a numerical "
                  "breakdown of the published updates, not divergence");

  IterationTrace rising = falling;
  rising.record({3, 70.0, 0.1, 1});
  rising.record({4, 65.0, 0.1, 1});  // falling again, but above the best of epoch 2
  CHECK(admm_stop_description(rising, problem) ==
        problem + " after the objective rose from 55 (epoch 2, the best) to epoch 4 objective 65 (the published "
                  "ADMM diverged)");
}

SHARED_DATA_TEST_CASE("admm: divergence stops the run naming the epoch; keep_best returns the best recorded iterate") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const BinaryCsr X = top_movies(ratings, 50);
  const Dense dense(X, 5.0, 0.33);
  LinalgCache cache(X);
  FitContext ctx(cache);
  // With these settings the published updates fall for two epochs and then grow geometrically until
  // V^T V is numerically singular (the behaviour seen on the full data set, docs/EXACT.md).
  const std::string spec = "admm:rank=10,lambda=5,p=0.33,omega=500,epochs=40";
  const auto last = fit(ctx, spec);
  const FitReport& d = last->report();
  REQUIRE(d.stopped_early);
  REQUIRE_FALSE(d.stop_reason.empty());
  const std::size_t completed = d.trace.completed;
  CHECK(completed < 40);
  CHECK(d.stop_reason.find("stopped at epoch " + std::to_string(completed + 1) + ":") == 0);
  CHECK(d.stop_reason.find("after the objective rose from") != std::string::npos);
  CHECK(d.stop_reason.find("(the published ADMM diverged)") != std::string::npos);
  CHECK(d.trace.returned == completed);
  CHECK(d.trace.points.size() == completed + 1);
  std::string warnings;
  for (const auto& w : d.warnings) warnings += w + "\n";
  CHECK(warnings.find("the objective rose") != std::string::npos);
  CHECK(warnings.find("worse than the best") != std::string::npos);
  const arma::mat W_last = low_rank(last).U() * low_rank(last).V().t();
  CHECK(W_last.is_finite());
  // At a diverged iterate diag(UV^T) dwarfs W~ and both forms of Eq. 7 lose digits to cancellation.
  CHECK(d.objective.value() == doctest::Approx(dense.objective(W_last)).epsilon(1e-3));
  CHECK(d.objective.value() > 1e3 * d.trace.points[0].objective);

  const auto best = fit(ctx, spec + ",keep_best=true");
  const FitReport& b = best->report();
  double lowest = std::numeric_limits<double>::infinity();
  std::size_t lowest_epoch = 0;
  for (const auto& row : b.trace.points)
    if (row.iteration >= 1 && row.objective < lowest) lowest = row.objective, lowest_epoch = row.iteration;
  CHECK(b.trace.returned == lowest_epoch);
  CHECK(b.trace.best == lowest_epoch);
  CHECK(b.objective.value() == lowest);
  const arma::mat W_best = low_rank(best).U() * low_rank(best).V().t();
  CHECK(dense.objective(W_best) == doctest::Approx(lowest).epsilon(1e-9));
  // keep_best changes what is returned, not the iteration.
  REQUIRE(b.trace.points.size() == d.trace.points.size());
  for (std::size_t i = 0; i < b.trace.points.size(); ++i)
    CHECK(b.trace.points[i].objective == d.trace.points[i].objective);

  // Constructed failures in the first epoch leave nothing finite to return: an error naming it.
  arma::mat rank_deficient = gaussian_start<double>(50, 4, kReferenceStartStddev, 1);
  rank_deficient.col(3).zeros();
  CHECK_THROWS_WITH_AS(run_admm<double>(dense.G, dense.C, dense.Lambda, 500, rank_deficient, 5),
                       doctest::Contains("epoch 1"), Error);
  arma::mat not_finite = gaussian_start<double>(50, 4, kReferenceStartStddev, 1);
  not_finite(7, 2) = arma::datum::inf;
  CHECK_THROWS_WITH_AS(run_admm<double>(dense.G, dense.C, dense.Lambda, 500, not_finite, 5),
                       doctest::Contains("epoch 1"), Error);
}

SHARED_DATA_TEST_CASE("float32 fits follow the float64 ones; parameters are validated") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const BinaryCsr X = top_movies(ratings, 50);
  LinalgCache cache(X);
  FitContext ctx(cache);
  for (const std::string spec :
       {"admm:rank=3,lambda=5,p=0.33,epochs=3", "zero_diagonal:rank=8,lambda=5,p=0.33,epochs=5"}) {
    CAPTURE(spec);
    ctx.dtype = Dtype::float64;
    const double objective64 = fit(ctx, spec)->report().objective.value();
    ctx.dtype = Dtype::float32;
    const auto model32 = fit(ctx, spec);
    CHECK(dynamic_cast<const LowRankModel<float>*>(model32.get()) != nullptr);
    CHECK(model32->report().objective.value() == doctest::Approx(objective64).epsilon(1e-3));
  }
  ctx.dtype = Dtype::float64;
  CHECK_THROWS_WITH_AS(fit(ctx, "admm:rank=51,lambda=5"), doctest::Contains("exceeds the number of items 50"), Error);
  CHECK_THROWS_WITH_AS(fit(ctx, "zero_diagonal:rank=51,lambda=5"), doctest::Contains("exceeds"), Error);
  CHECK_THROWS_AS(fit(ctx, "admm:rank=5,lambda=5,omega=0"), Error);
  CHECK_THROWS_AS(fit(ctx, "admm:rank=5,lambda=-1"), Error);
  CHECK_THROWS_AS(fit(ctx, "zero_diagonal:rank=5,lambda=1,p=1"), Error);
  const Registry registry = builtin_registry();
  const ParamSet params = parse_solver_spec(registry, "admm:rank=100,lambda=5").params;
  CHECK(params.integer("epochs") == 10);
  CHECK(params.real("omega") == 500.0);
  CHECK(params.boolean("keep_best") == false);
  CHECK(params.real("p") == 0.33);  // the defaults of closed_form_approx: the same Lambda for every solver
  CHECK(parse_solver_spec(registry, "admm").params.rank("rank").full);
  CHECK(parse_solver_spec(registry, "zero_diagonal").params.real("lambda") == 300.0);
  CHECK(registry.get("admm").memory_estimate({10000, Dtype::float64, &registry}, params) ==
        (2 * 10000ull * 10000 + 14 * 10000 * 100) * 8);
  const ParamSet zd = parse_solver_spec(registry, "zero_diagonal:rank=100,lambda=5").params;
  CHECK(registry.get("zero_diagonal").memory_estimate({10000, Dtype::float32, &registry}, zd) ==
        (3 * 10000ull * 10000 + 8 * 10000 * 100) * 4);
}

SHARED_DATA_TEST_CASE("real split (ml-latest-small): both solvers run 10 epochs and beat popularity") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  // The protocol split (docs/MATH.md §3): rating > 3.5, users with >= 5 rows, 50 validation and 50 test users.
  const SplitData split = to_split_data(test::ml_latest_small_split(ratings));
  REQUIRE(split.n_items() == 5697);
  LinalgCache cache(split.train);
  FitContext ctx(cache);
  const double popularity = evaluate(*fit(ctx, "popularity"), split.test, default_metrics()).summary("ndcg@100").mean;
  for (const std::string spec : {"admm:rank=10,lambda=20,p=0.33,omega=500,epochs=10",
                                 "zero_diagonal:rank=10,lambda=20,p=0.33,epochs=10"}) {
    CAPTURE(spec);
    const auto model = fit(ctx, spec);
    const FitReport& d = model->report();
    CHECK(d.stop_reason.empty());
    CHECK(d.trace.completed == 10);
    CHECK(d.trace.points.size() == 11);
    CHECK(d.objective.value() < d.trace.points[0].objective);
    for (const char* stage : {"gram", "inverse", "epochs", "total"}) CHECK(d.seconds.get(stage).has_value());
    CHECK(d.peak_rss_bytes > 0);
    const auto result = evaluate(*model, split.test, default_metrics());
    CHECK(result.n_nonfinite_scores == 0);
    const double ndcg = result.summary("ndcg@100").mean;
    MESSAGE(spec << ": nDCG@100 " << ndcg << " vs popularity " << popularity);
    CHECK(ndcg > popularity + 0.03);
  }
  CHECK(cache.stats().inversions == 1);  // both solvers shared one inverse
}
