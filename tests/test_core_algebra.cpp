// Core dense algebra: Gram matrix, SPD inverse, the Eq. 7 objective, the two model shapes, the
// shared inverse cache, and the identities of docs/MATH.md §2.0 they rely on.
#include <doctest/doctest.h>

#include <cstdlib>

#include "core/linalg/blas.hpp"
#include "core/linalg/blas_kernels.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

TEST_CASE("dense_gram equals X^T X for both precisions and any thread count") {
  const BinaryCsr X = test::random_binary(70, 45, 0.15, 1);
  const arma::mat Xd = X.to_dense<double>();
  const arma::mat expected = Xd.t() * Xd;
  for (int threads : {1, 2, 3}) {
    arma::mat G;
    dense_gram(X, G, threads);
    CHECK(arma::approx_equal(G, expected, "absdiff", 0.0));
    arma::fmat Gf;
    dense_gram(X, Gf, threads);
    CHECK(arma::approx_equal(arma::conv_to<arma::mat>::from(Gf), expected, "absdiff", 0.0));
  }
}

TEST_CASE("spd_inverse_in_place inverts G + Lambda and rejects an indefinite matrix") {
  const BinaryCsr X = test::random_binary(50, 30, 0.2, 2);
  arma::mat G;
  dense_gram(X, G);
  const arma::vec g = G.diag();
  arma::mat A = G;
  A.diag() += lambda_diagonal(g, 3.0, 0.25);
  const arma::mat original = A;
  spd_inverse_in_place(A);
  CHECK(arma::norm(A * original - arma::eye(30, 30), "inf") < 1e-10);
  CHECK(arma::approx_equal(A, A.t(), "absdiff", 0.0));
  arma::mat bad = -arma::eye(4, 4);
  CHECK_THROWS_WITH_AS(spd_inverse_in_place(bad), doctest::Contains("not positive definite"), Error);
}

TEST_CASE("lambda_diagonal is lambda + p/(1-p) g and validates its arguments") {
  const arma::vec g = {0, 1, 10};
  const arma::vec L = lambda_diagonal(g, 2.0, 0.5);
  CHECK(L[0] == 2.0);
  CHECK(L[1] == 3.0);
  CHECK(L[2] == 12.0);
  CHECK_THROWS_AS(lambda_diagonal(g, -1, 0.1), Error);
  CHECK_THROWS_AS(lambda_diagonal(g, 1, 1.0), Error);
}

TEST_CASE("the O(n^2 k) Eq. 7 objective equals the explicit formula") {
  const BinaryCsr X = test::random_binary(60, 25, 0.2, 5);
  const arma::mat Xd = X.to_dense<double>();
  const arma::mat G = Xd.t() * Xd;
  const arma::vec Lambda = lambda_diagonal(G.diag(), 4.0, 0.3);
  arma::arma_rng::set_seed(3);
  for (arma::uword k : {1u, 4u, 25u}) {
    const arma::mat U = arma::randn(25, k) * 0.3, V = arma::randn(25, k) * 0.3;
    arma::mat Wt = U * V.t();
    Wt.diag().zeros();
    const double explicit_value = std::pow(arma::norm(Xd - Xd * Wt, "fro"), 2) +
                                  std::pow(arma::norm(arma::diagmat(arma::sqrt(Lambda)) * Wt, "fro"), 2);
    CHECK(edlae_objective(G, Lambda, U, V) == doctest::Approx(explicit_value).epsilon(1e-11));
    CHECK(edlae_objective_dense(G, Lambda, arma::mat(U * V.t())) == doctest::Approx(explicit_value).epsilon(1e-11));
    const arma::fmat Gf = arma::conv_to<arma::fmat>::from(G);
    CHECK(edlae_objective(Gf, Lambda, arma::conv_to<arma::fmat>::from(U), arma::conv_to<arma::fmat>::from(V)) ==
          doctest::Approx(explicit_value).epsilon(1e-4));
  }
}

TEST_CASE("docs/MATH.md §2.0 identities hold with C from the inverse cache") {
  const BinaryCsr X = test::random_binary(80, 30, 0.2, 9);
  LinalgCache cache(X);
  arma::mat G;
  cache.gram_into(G);
  const arma::vec Lambda = cache.lambda_diagonal(Regularizer{5.0, 0.33});
  const arma::mat GL = G + arma::diagmat(Lambda);
  const auto inv = cache.inverse<double>(Regularizer{5.0, 0.33});
  const arma::mat& C = *inv.C;
  const arma::mat S = arma::diagmat(1.0 / C.diag());
  const arma::mat W = arma::eye(30, 30) - C * S;
  CHECK(arma::norm(GL * W - (GL - S), "inf") < 1e-9);
  CHECK(arma::norm(W.t() * GL * W - (GL - 2 * S + S * C * S), "inf") < 1e-8);
  CHECK(arma::norm(G * C * G - (G - arma::diagmat(Lambda) + arma::diagmat(Lambda) * C * arma::diagmat(Lambda)), "inf") < 1e-8);
  // Reuse: the same (lambda, p, dtype) is served from the cache, anything else recomputes.
  CHECK_FALSE(inv.reused);
  CHECK(cache.inverse<double>(Regularizer{5.0, 0.33}).reused);
  CHECK(cache.stats().inversions == 1);
  CHECK_FALSE(cache.inverse<float>(Regularizer{5.0, 0.33}).reused);
  CHECK_FALSE(cache.inverse<double>(Regularizer{6.0, 0.33}).reused);
  CHECK(cache.stats().inversions == 3);
}

TEST_CASE("pristine Gram kept or rebuilt gives the same G") {
  const BinaryCsr X = test::random_binary(40, 20, 0.3, 4);
  LinalgCache keep(X), rebuild(X);
  keep.set_keep_gram(true);
  rebuild.set_keep_gram(false);
  arma::mat a, b, c;
  keep.gram_into(a);
  keep.gram_into(b);
  rebuild.gram_into(c);
  CHECK(keep.stats().gram_builds == 1);
  CHECK(rebuild.pristine_gram<double>() == nullptr);
  CHECK(arma::approx_equal(a, c, "absdiff", 0.0));
  CHECK(arma::approx_equal(a, b, "absdiff", 0.0));
}

TEST_CASE("low-rank and dense models score x W") {
  const BinaryCsr F = test::random_binary(9, 12, 0.3, 6);
  arma::arma_rng::set_seed(1);
  const arma::mat U = arma::randn(12, 3), V = arma::randn(12, 3);
  const arma::mat expected = (F.to_dense<double>() * U * V.t()).t();
  arma::mat scores;
  LowRankModel<double>(U, V).score(F, 0, 9, scores);
  CHECK(arma::norm(scores - expected, "inf") < 1e-12);
  LowRankModel<float>(arma::conv_to<arma::fmat>::from(U), arma::conv_to<arma::fmat>::from(V)).score(F, 2, 5, scores);
  CHECK(arma::norm(scores - expected.cols(2, 4), "inf") < 1e-4);
  const arma::mat W = arma::randn(12, 12);
  DenseItemModel<double>(W).score(F, 0, 9, scores);
  CHECK(arma::norm(scores - (F.to_dense<double>() * W).t(), "inf") < 1e-12);
  CHECK_THROWS_AS(DenseItemModel<double>(W).score(test::random_binary(2, 5, 0.5, 1), 0, 2, scores), Error);
}

TEST_CASE("BinaryCsr validates its arrays and slices rows") {
  CHECK_THROWS_AS(BinaryCsr(2, 3, {0, 1, 2}, {2, 3}), Error);     // column out of range
  CHECK_THROWS_AS(BinaryCsr(1, 3, {0, 2}, {2, 1}), Error);        // unsorted
  CHECK_THROWS_AS(BinaryCsr(2, 3, {0, 1}, {0}), Error);           // wrong row_ptr size
  const BinaryCsr X = BinaryCsr::from_pairs(3, 4, {{2, 1}, {0, 3}, {0, 0}, {0, 3}});
  CHECK(X.nnz() == 3);
  CHECK(X.row(0).size() == 2);
  CHECK(X.row(1).empty());
  const BinaryCsr tail = X.slice_rows(1, 3);
  CHECK(tail.n_rows() == 2);
  CHECK(*tail.row(1).begin() == 1);
  CHECK(X.column_counts() == std::vector<std::uint64_t>{1, 1, 0, 1});
}

TEST_CASE("OpenBLAS kernels: never older than the CPU supports once aelab has started") {
  // The test binary went through reexec_with_better_blas_kernels (tests/doctest_main.cpp) as aelab does.
  const std::string core = blas_core_name();
  CAPTURE(core);
  CHECK(!core.empty());
  CHECK_FALSE(better_blas_core_type().has_value());
  __builtin_cpu_init();
  const bool user_chose = std::getenv("OPENBLAS_CORETYPE") && !std::getenv("AELAB_BLAS_CORETYPE_SET");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !user_chose) CHECK(core != "Prescott");
  CHECK(blas_config().find(core) != std::string::npos);  // manifests record the kernels through blas_config
}
