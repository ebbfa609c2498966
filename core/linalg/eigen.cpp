#include "core/linalg/eigen.hpp"

#include <algorithm>
#include <limits>

#include "core/linalg/eigen_methods.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab {

const char* eigen_method_name(EigenMethod m) {
  switch (m) {
    case EigenMethod::automatic: return "auto";
    case EigenMethod::arpack: return "arpack";
    case EigenMethod::block: return "block";
    case EigenMethod::dense: return "dense";
  }
  return "?";
}

EigenMethod parse_eigen_method(const std::string& name) {
  if (name == "auto") return EigenMethod::automatic;
  if (name == "arpack") return EigenMethod::arpack;
  if (name == "block") return EigenMethod::block;
  if (name == "dense") return EigenMethod::dense;
  throw Error("eigen method: expected one of \"auto\", \"arpack\", \"block\", \"dense\", got \"" + name + "\"");
}

template <typename T>
double effective_eigen_tolerance(double requested) {
  if (!(requested > 0)) throw Error("eigen tolerance must be > 0, got " + std::to_string(requested));
  return std::max(requested, 200.0 * static_cast<double>(std::numeric_limits<T>::epsilon()));
}

// Measured (CPU seconds, one BLAS thread, tolerance 1e-10) on the eigen-matrices of Algorithm 1 for
// synthetic data (core/data/synthetic.hpp, 10 users per item), see docs/closed_form.md:
//  - arpack vs block: n = 5,000, k = 1: 0.48 s vs 0.57 s; k = 5: 0.79 vs 0.49; k = 10: 0.94 vs 0.40.
//    ARPACK streams the matrix once per vector (61-123 products), the block method once per 32.
//  - block vs dense (syevr): n = 2,000: k = 100 0.32 vs 0.48 s, k = 200 0.67 vs 0.56 s;
//    n = 5,000: k = 500 5.9 vs 10.4 s, k = 1,000 12.6 vs 13.8 s. The block method's
//    orthogonalisation and Rayleigh-Ritz grow like n k^2, the dense reduction like n^3 with a
//    memory-bound half, so the crossover fraction k/n grows with n: about n / 26,000 (0.077 at
//    n = 2,000, 0.19 at 5,000), capped at 1/4.
EigenMethod choose_eigen_method(std::size_t n, std::size_t k) {
  const double crossover = std::clamp(static_cast<double>(n) / 26000.0, 0.04, 0.25);
  if (n <= 500 || static_cast<double>(k) >= crossover * static_cast<double>(n)) return EigenMethod::dense;
  if (k <= 2) return EigenMethod::arpack;
  return EigenMethod::block;
}

namespace {

// The k pairs kept and the next value split off when one pair beyond the cut-off was computed.
template <typename T>
void keep_leading(TopEigenpairs<T>& out, std::size_t n, std::size_t k, std::size_t want) {
  if (out.values.n_elem != want || out.vectors.n_cols != want || out.vectors.n_rows != n)
    throw Error(std::string("top_eigenpairs: the ") + out.method + " method returned " +
                std::to_string(out.values.n_elem) + " of " + std::to_string(want) + " eigenpairs");
  if (want > k) {
    out.next_value = static_cast<double>(out.values[k]);
    out.values.resize(k);
    out.vectors.resize(n, k);
  }
}

// One pair beyond the cut-off gives the eigen-gap (docs/MATH.md §6, item 5).
std::size_t pairs_wanted(std::size_t n, std::size_t k) { return k < n ? k + 1 : k; }

}  // namespace

bool block_method_fits(std::size_t n, std::size_t k, const EigenOptions& options) {
  return k >= 1 && k <= n && eigen_detail::block_fits(n, pairs_wanted(n, k), options);
}

std::size_t block_method_elements(std::size_t n, std::size_t k, const EigenOptions& options) {
  return eigen_detail::block_elements(n, pairs_wanted(n, k), options);
}

std::size_t block_method_block_size(std::size_t n, std::size_t k, const EigenOptions& options) {
  return eigen_detail::block_width(n, pairs_wanted(n, k), options);
}

template <typename T>
TopEigenpairs<T> top_eigenpairs_by_blocks(std::size_t n, const BlockProduct<T>& product, std::size_t k,
                                          const EigenOptions& options) {
  if (!block_method_fits(n, k, options))
    throw Error("top_eigenpairs: the block method cannot compute " + std::to_string(k) + " of " + std::to_string(n) +
                " eigenpairs (its basis would exceed n / 2)");
  const std::size_t want = pairs_wanted(n, k);
  TopEigenpairs<T> out;
  out.tolerance = effective_eigen_tolerance<T>(options.tolerance);
  Timer timer;
  eigen_detail::block_top<T>(n, product, want, options, out.tolerance, out);
  out.method = eigen_method_name(EigenMethod::block);
  keep_leading(out, n, k, want);
  out.seconds = timer.seconds();
  return out;
}

template <typename T>
TopEigenpairs<T> top_eigenpairs(arma::Mat<T>& M, std::size_t k, const EigenOptions& options) {
  const std::size_t n = M.n_rows;
  if (M.n_cols != n) throw Error("top_eigenpairs: matrix is " + std::to_string(M.n_rows) + " x " + std::to_string(M.n_cols) + ", not square");
  if (k < 1 || k > n)
    throw Error("top_eigenpairs: k = " + std::to_string(k) + " must be in [1, " + std::to_string(n) + "]");
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error("top_eigenpairs: matrix too large for 32-bit LAPACK/ARPACK indices");
  if (!M.is_finite()) throw Error("top_eigenpairs: the matrix has NaN or infinite entries");
  const double tolerance = effective_eigen_tolerance<T>(options.tolerance);
  const std::size_t want = pairs_wanted(n, k);

  EigenMethod method = options.method == EigenMethod::automatic ? choose_eigen_method(n, k) : options.method;
  // A forced iterative method that cannot run on this shape (it would need a basis as large as the
  // matrix) falls back to the dense method; TopEigenpairs::method records what ran.
  if (method == EigenMethod::arpack && want + 1 >= n) method = EigenMethod::dense;
  if (method == EigenMethod::block && !eigen_detail::block_fits(n, want, options)) method = EigenMethod::dense;

  TopEigenpairs<T> out;
  out.tolerance = tolerance;
  Timer timer;
  switch (method) {
    case EigenMethod::arpack:
      eigen_detail::arpack_top(M, want, tolerance, options.max_iterations, options.seed, out);
      break;
    case EigenMethod::block:
      eigen_detail::block_top(M, want, options, tolerance, out);
      break;
    default:
      method = EigenMethod::dense;
      eigen_detail::dense_top(M, want, out);
      out.tolerance = arma::datum::nan;  // direct method: no iteration tolerance
      break;
  }
  out.method = eigen_method_name(method);
  keep_leading(out, n, k, want);
  out.seconds = timer.seconds();
  return out;
}

namespace eigen_detail {

template <typename T>
double max_relative_residual(const arma::Mat<T>& MV, const arma::Mat<T>& vectors, const arma::Col<T>& values,
                             double scale) {
  double worst = 0;
  for (arma::uword i = 0; i < vectors.n_cols; ++i) {
    const T* mv = MV.colptr(i);
    const T* v = vectors.colptr(i);
    double sum = 0;
    for (arma::uword r = 0; r < vectors.n_rows; ++r) {
      const double d = static_cast<double>(mv[r]) - static_cast<double>(values[i]) * static_cast<double>(v[r]);
      sum += d * d;
    }
    worst = std::max(worst, std::sqrt(sum) / scale);
  }
  return worst;
}

template double max_relative_residual<float>(const arma::fmat&, const arma::fmat&, const arma::fvec&, double);
template double max_relative_residual<double>(const arma::mat&, const arma::mat&, const arma::vec&, double);

}  // namespace eigen_detail

template double effective_eigen_tolerance<float>(double);
template double effective_eigen_tolerance<double>(double);
template TopEigenpairs<float> top_eigenpairs<float>(arma::fmat&, std::size_t, const EigenOptions&);
template TopEigenpairs<double> top_eigenpairs<double>(arma::mat&, std::size_t, const EigenOptions&);
template TopEigenpairs<float> top_eigenpairs_by_blocks<float>(std::size_t, const BlockProduct<float>&, std::size_t,
                                                              const EigenOptions&);
template TopEigenpairs<double> top_eigenpairs_by_blocks<double>(std::size_t, const BlockProduct<double>&, std::size_t,
                                                                const EigenOptions&);

}  // namespace aelab
