// Top-k eigenpairs (core/linalg/eigen.hpp): every method against LAPACK's full eig_sym on symmetric matrices
// with known spectra (decaying, clustered, exactly degenerate, indefinite), the eigenvalue after the
// cut-off, nested eigenvectors across k, float32, and argument errors.
#include <doctest/doctest.h>

#include "core/linalg/eigen.hpp"
#include "core/util/error.hpp"

using namespace aelab;

namespace {

// Q diag(spectrum) Q^T with a seeded random orthogonal Q.
arma::mat with_spectrum(const arma::vec& spectrum, unsigned seed) {
  arma::arma_rng::set_seed(seed);
  arma::mat Q, R;
  arma::qr(Q, R, arma::randn(spectrum.n_elem, spectrum.n_elem));
  arma::mat M = Q * arma::diagmat(spectrum) * Q.t();
  return arma::symmatu(M);
}

arma::vec decaying(arma::uword n) {
  arma::vec s(n);
  for (arma::uword i = 0; i < n; ++i) s[i] = 100.0 / (1.0 + i) + 0.01 * std::sin(3.0 * i);
  return s;
}

// A group of nearly equal eigenvalues (relative separation 1e-9) inside the top k.
arma::vec clustered(arma::uword n) {
  arma::vec s = decaying(n);
  for (arma::uword i = 2; i < 6; ++i) s[i] = s[2] * (1.0 + 1e-9 * i);
  return s;
}

// An exactly triple eigenvalue inside the top k. Single-vector Lanczos (ARPACK) finds one vector per
// eigenspace in exact arithmetic and may miss the other copies; the block and dense methods may not.
arma::vec exact_triple(arma::uword n) {
  arma::vec s = clustered(n);
  s[8] = s[9] = s[10] = 9.0;
  return s;
}

// Exactly degenerate across the cut-off k = 12: eigenvalues 12..15 (0-based 11..14) equal.
arma::vec degenerate_at_cut(arma::uword n) {
  arma::vec s = decaying(n);
  for (arma::uword i = 11; i < 15; ++i) s[i] = 7.5;
  return s;
}

arma::vec indefinite(arma::uword n) {
  arma::vec s = decaying(n);
  for (arma::uword i = n / 2; i < n; ++i) s[i] = -s[i - n / 2] * 0.5;
  return s;
}

// Distance between the spans of two orthonormal bases of the same dimension: ||P_A - P_B||.
double subspace_distance(const arma::mat& A, const arma::mat& B) {
  return arma::norm(A * A.t() - B * B.t(), 2);
}

double max_residual(const arma::mat& M, const TopEigenpairs<double>& r) {
  double worst = 0;
  for (arma::uword i = 0; i < r.values.n_elem; ++i)
    worst = std::max(worst, arma::norm(M * r.vectors.col(i) - r.values[i] * r.vectors.col(i)));
  return worst;
}

void check_against_eig_sym(const arma::mat& M, std::size_t k, EigenMethod method, bool cut_degenerate) {
  CAPTURE(k);
  const std::string method_name = eigen_method_name(method);
  CAPTURE(method_name);
  arma::vec all;
  arma::mat vectors;
  REQUIRE(arma::eig_sym(all, vectors, M));
  const arma::uword n = M.n_rows;
  arma::mat work = M;
  EigenOptions options;
  options.method = method;
  const TopEigenpairs<double> r = top_eigenpairs(work, k, options);
  CHECK(r.method == std::string(eigen_method_name(method)));  // the forced method ran (no fallback)
  const double norm = std::max(std::abs(all.max()), std::abs(all.min()));
  REQUIRE(r.values.n_elem == k);
  REQUIRE(r.vectors.n_cols == k);
  for (std::size_t i = 0; i < k; ++i) CHECK(std::abs(r.values[i] - all[n - 1 - i]) <= 1e-9 * norm);
  if (k < n) CHECK(std::abs(r.next_value - all[n - 1 - k]) <= 1e-9 * norm);
  CHECK(arma::norm(r.vectors.t() * r.vectors - arma::eye(k, k), "inf") < 1e-9);
  CHECK(max_residual(M, r) <= 1e-9 * norm);
  if (method != EigenMethod::dense) CHECK(r.max_residual <= options.tolerance);
  // The top-k subspace is unique when the cut-off is not inside a degenerate group.
  if (!cut_degenerate) CHECK(subspace_distance(r.vectors, vectors.cols(n - k, n - 1)) < 1e-7);
}

}  // namespace

TEST_CASE("every method finds the top-k eigenpairs of decaying, clustered and indefinite spectra") {
  const arma::uword n = 500;
  for (EigenMethod method : {EigenMethod::arpack, EigenMethod::block, EigenMethod::dense}) {
    check_against_eig_sym(with_spectrum(decaying(n), 1), 1, method, false);
    check_against_eig_sym(with_spectrum(decaying(n), 2), 20, method, false);
    check_against_eig_sym(with_spectrum(clustered(n), 3), 12, method, false);
    check_against_eig_sym(with_spectrum(clustered(n), 4), 40, method, false);
    check_against_eig_sym(with_spectrum(indefinite(n), 5), 25, method, false);
  }
  for (EigenMethod method : {EigenMethod::block, EigenMethod::dense}) {
    check_against_eig_sym(with_spectrum(exact_triple(n), 11), 12, method, false);
    check_against_eig_sym(with_spectrum(exact_triple(n), 12), 30, method, false);
  }
}

TEST_CASE("a degenerate eigenvalue at the cut-off: eigenpairs exact, gap zero") {
  const arma::uword n = 240;
  const arma::mat M = with_spectrum(degenerate_at_cut(n), 6);
  for (EigenMethod method : {EigenMethod::block, EigenMethod::dense}) {
    check_against_eig_sym(M, 12, method, true);
    arma::mat work = M;
    EigenOptions options;
    options.method = method;
    const auto r = top_eigenpairs(work, 12, options);
    CHECK(std::abs(r.values[11] - r.next_value) < 1e-9 * 100);
  }
}

TEST_CASE("eigenvectors are nested: the top-k subspace of a larger call contains the smaller one") {
  const arma::mat M = with_spectrum(decaying(500), 7);
  for (EigenMethod method : {EigenMethod::arpack, EigenMethod::block, EigenMethod::dense}) {
    const std::string method_name = eigen_method_name(method);
  CAPTURE(method_name);
    EigenOptions options;
    options.method = method;
    arma::mat a = M, b = M;
    const auto small = top_eigenpairs(a, 10, options);
    const auto large = top_eigenpairs(b, 45, options);
    CHECK(small.method == method_name);
    CHECK(large.method == method_name);
    const arma::mat outside = small.vectors - large.vectors * (large.vectors.t() * small.vectors);
    CHECK(arma::norm(outside, 2) < 1e-8);
    CHECK(arma::norm(small.values - large.values.head(10), "inf") < 1e-9 * 100);
  }
}

TEST_CASE("float32: every method reaches the float tolerance") {
  const arma::mat M = with_spectrum(decaying(280), 8);
  arma::vec all = arma::eig_sym(M);
  for (EigenMethod method : {EigenMethod::arpack, EigenMethod::block, EigenMethod::dense}) {
    const std::string method_name = eigen_method_name(method);
  CAPTURE(method_name);
    arma::fmat work = arma::conv_to<arma::fmat>::from(M);
    EigenOptions options;
    options.method = method;
    const auto r = top_eigenpairs(work, 15, options);
    CHECK(r.method == std::string(eigen_method_name(method)));
    for (int i = 0; i < 15; ++i) CHECK(std::abs(r.values[i] - all[all.n_elem - 1 - i]) < 1e-4 * all.max());
    const arma::mat V = arma::conv_to<arma::mat>::from(r.vectors);
    double worst = 0;
    for (int i = 0; i < 15; ++i) worst = std::max(worst, arma::norm(M * V.col(i) - double(r.values[i]) * V.col(i)));
    CHECK(worst < 1e-4 * all.max());
    if (method != EigenMethod::dense) CHECK(r.tolerance == doctest::Approx(200 * std::numeric_limits<float>::epsilon()));
  }
}

TEST_CASE("the block method reports its work and converges on a large cluster") {
  // 30 eigenvalues within 1e-6 of each other right below the top: the worst case for Krylov methods.
  arma::vec s = decaying(400);
  for (int i = 1; i < 31; ++i) s[i] = 50.0 * (1.0 + 1e-6 * i);
  const arma::mat M = with_spectrum(s, 9);
  arma::mat work = M;
  EigenOptions options;
  options.method = EigenMethod::block;
  const auto r = top_eigenpairs(work, 35, options);
  CHECK(r.method == "block");
  CHECK(r.iterations >= 1);
  CHECK(r.matrix_products >= 2);
  CHECK(r.block_size >= 1);
  CHECK(r.max_residual <= 1e-10);
  CHECK(max_residual(M, r) <= 1e-9 * 100);
}

TEST_CASE("the block method on an operator given by its block products equals it on the stored matrix") {
  const arma::mat M = with_spectrum(decaying(300), 4);
  std::size_t calls = 0;
  const BlockProduct<double> product = [&](const arma::mat& Q, arma::mat& out) {
    ++calls;
    out = M * Q;
  };
  arma::mat work = M;
  EigenOptions options;
  options.method = EigenMethod::block;
  const auto stored = top_eigenpairs(work, 12, options);
  const auto by_products = top_eigenpairs_by_blocks<double>(M.n_rows, product, 12, options);
  CHECK(by_products.method == "block");
  CHECK(calls == by_products.matrix_products);
  CHECK(by_products.matrix_products == stored.matrix_products);
  CHECK(arma::abs(by_products.values - stored.values).max() == 0.0);  // the same iteration, the same products
  CHECK(by_products.next_value == stored.next_value);
  CHECK(arma::abs(by_products.vectors - stored.vectors).max() == 0.0);
  CHECK(block_method_fits(300, 12));
  CHECK(block_method_elements(300, 12) > 300 * 13);
  // An operator the method's basis would not fit in: refused, not silently answered.
  CHECK_FALSE(block_method_fits(300, 140));
  CHECK_THROWS_WITH_AS(top_eigenpairs_by_blocks<double>(M.n_rows, product, 140, options),
                       doctest::Contains("basis would exceed n / 2"), Error);
}

TEST_CASE("a rank-deficient matrix: pairs beyond the rank are zero eigenpairs with small residuals") {
  // 20 nonzero eigenvalues, 480 zeros: the Krylov space becomes invariant and must be refilled.
  arma::vec s(500, arma::fill::zeros);
  s.head(20) = decaying(20);
  const arma::mat M = with_spectrum(s, 13);
  for (EigenMethod method : {EigenMethod::block, EigenMethod::dense}) {
    const std::string method_name = eigen_method_name(method);
    CAPTURE(method_name);
    arma::mat work = M;
    EigenOptions options;
    options.method = method;
    const auto r = top_eigenpairs(work, 30, options);
    CHECK(r.method == method_name);
    CHECK(arma::norm(r.values.head(20) - s.head(20), "inf") < 1e-9 * s.max());
    CHECK(arma::abs(r.values.tail(10)).max() < 1e-9 * s.max());
    CHECK(std::abs(r.next_value) < 1e-9 * s.max());
    CHECK(arma::norm(r.vectors.t() * r.vectors - arma::eye(30, 30), "inf") < 1e-9);
    CHECK(max_residual(M, r) < 1e-9 * s.max());
  }
}

TEST_CASE("automatic choice, forced fallbacks and argument errors") {
  CHECK(choose_eigen_method(100, 5) == EigenMethod::dense);
  CHECK(choose_eigen_method(10000, 9000) == EigenMethod::dense);
  CHECK(choose_eigen_method(10000, 1) == EigenMethod::arpack);
  CHECK(choose_eigen_method(10000, 100) == EigenMethod::block);
  CHECK(choose_eigen_method(10000, 1000) == EigenMethod::block);
  CHECK(choose_eigen_method(2000, 300) == EigenMethod::dense);
  CHECK(parse_eigen_method("block") == EigenMethod::block);
  CHECK_THROWS_WITH_AS(parse_eigen_method("lanczos"), doctest::Contains("expected one of"), Error);
  arma::mat M = with_spectrum(decaying(30), 10);
  EigenOptions options;
  options.method = EigenMethod::arpack;
  arma::mat work = M;
  CHECK(top_eigenpairs(work, 29, options).method == "dense");  // ARPACK needs k + 1 < n
  work = M;
  CHECK(top_eigenpairs(work, 30, options).values.n_elem == 30);
  work = M;
  CHECK_THROWS_AS(top_eigenpairs(work, 0), Error);
  work = M;
  CHECK_THROWS_AS(top_eigenpairs(work, 31), Error);
  work = M;
  work(3, 4) = arma::datum::nan;
  CHECK_THROWS_WITH_AS(top_eigenpairs(work, 3), doctest::Contains("NaN"), Error);
}
