#pragma once
// Top-k eigenpairs of a dense symmetric n x n matrix (docs/BENCHMARKS.md): the step that, after the inverse,
// decides the cost of every eigenvector-based solver (Algorithm 1, the unconstrained closed form, the
// Proposition's bound). Three methods, chosen automatically from k and n, or forced:
//  - arpack: ARPACK-NG's implicitly restarted Lanczos (reverse communication, dense BLAS products);
//            memory-bound (each product streams the whole matrix for one vector). Being single-vector,
//            it can miss copies of an exactly repeated eigenvalue; the other methods cannot;
//  - block:  a block Krylov/subspace method whose work is gemm; for k in the tens to thousands;
//  - dense:  LAPACK syevr for the eigenvalues/vectors with index range [n-k+1, n]; when k is a large
//            fraction of n (or n is small).
// Eigenvectors of a rank sweep are nested: one call at the largest rank serves every smaller rank.
#include <cstdint>
#include <functional>
#include <string>

#include <armadillo>

namespace aelab {

enum class EigenMethod { automatic, arpack, block, dense };
const char* eigen_method_name(EigenMethod m);
EigenMethod parse_eigen_method(const std::string& name);  // "auto", "arpack", "block", "dense"

struct EigenOptions {
  EigenMethod method = EigenMethod::automatic;
  // Each returned pair must reach ||M v - mu v|| <= tolerance * |mu|max, |mu|max the largest eigenvalue
  // magnitude seen (||M||_2 for the positive semidefinite eigen-matrices of the solvers).
  double tolerance = 1e-10;
  std::size_t max_iterations = 0;  // 0: the method's default
  std::uint64_t seed = 1;          // start vectors of the iterative methods
  std::size_t block_size = 0;      // block method: vectors per block product (0: chosen from n and k)
  std::size_t basis_size = 0;      // block method: basis columns before a restart (0: chosen from k)
};

// The tolerance a precision can honour: max(options.tolerance, 200 eps(T)) (float32 cannot reach 1e-10).
template <typename T>
double effective_eigen_tolerance(double requested);

template <typename T>
struct TopEigenpairs {
  arma::Col<T> values;   // k largest eigenvalues, descending
  arma::Mat<T> vectors;  // n x k, orthonormal columns, in the order of values
  // lambda_{k+1} when it was computed (k < n), NaN otherwise; gap = values(k-1) - next_value.
  double next_value = arma::datum::nan;
  std::string method;        // the method that ran ("arpack", "block", "dense")
  std::size_t iterations = 0;
  std::size_t matrix_products = 0;  // matrix-vector products (arpack) or block products (block)
  std::size_t block_size = 0;       // columns per block product (block method)
  double max_residual = 0;          // max relative residual of the returned pairs (NaN: dense, not measured)
  double tolerance = 0;             // the relative residual tolerance that was applied
  double seconds = 0;
};

// The k largest eigenpairs of the symmetric matrix M (only its upper triangle need be valid when
// the dense method runs). M is used as workspace and its contents are unspecified afterwards.
// 1 <= k <= n. Throws aelab::Error when the iteration does not converge within its limit.
template <typename T>
TopEigenpairs<T> top_eigenpairs(arma::Mat<T>& M, std::size_t k, const EigenOptions& options = {});

// A symmetric n x n matrix known only by its products with blocks of vectors: out = M Q, with out
// already sized n x Q.n_cols (to be written in place). For a matrix that no one process holds
// (core/distributed/distributed_eigen.hpp).
template <typename T>
using BlockProduct = std::function<void(const arma::Mat<T>& Q, arma::Mat<T>& out)>;

// The k largest eigenpairs of such an operator by the block method (options.method is not read), with
// the pair after the cut-off when k < n, as top_eigenpairs. Throws aelab::Error when the method's basis
// would not fit (block_method_fits) or the iteration does not converge within its limit.
template <typename T>
TopEigenpairs<T> top_eigenpairs_by_blocks(std::size_t n, const BlockProduct<T>& product, std::size_t k,
                                          const EigenOptions& options = {});

// Whether the block method can compute the k largest pairs (and the next) of an n x n matrix with a basis
// of at most n / 2 vectors, and how many elements its bases and Ritz vectors then hold (memory estimates).
bool block_method_fits(std::size_t n, std::size_t k, const EigenOptions& options = {});
std::size_t block_method_elements(std::size_t n, std::size_t k, const EigenOptions& options = {});
// The vectors per block product it will use.
std::size_t block_method_block_size(std::size_t n, std::size_t k, const EigenOptions& options = {});

// The method `automatic` picks for (n, k).
EigenMethod choose_eigen_method(std::size_t n, std::size_t k);

}  // namespace aelab
