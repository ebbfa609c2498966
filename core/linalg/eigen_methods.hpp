#pragma once
// The three top-k eigensolvers behind top_eigenpairs (core/linalg/eigen.hpp), one file each. Internal: callers
// use top_eigenpairs, which validates the arguments, picks the method and times the call.
//
// Each computes the `want` largest eigenpairs of the symmetric n x n matrix M (want = k + 1 when the
// eigenvalue after the cut-off is needed) and fills values (descending), vectors, iterations,
// matrix_products, max_residual. `tolerance` is already the effective one.
#include <armadillo>

#include "core/linalg/eigen.hpp"

namespace aelab::eigen_detail {

// LAPACK syevr with the index range [n - want + 1, n]: reduces M to tridiagonal form in place (M is
// destroyed; only its upper triangle is read) and computes only the wanted vectors (MRRR).
template <typename T>
void dense_top(arma::Mat<T>& M, std::size_t want, TopEigenpairs<T>& out);

// ARPACK-NG implicitly restarted Lanczos (dsaupd/dseupd, reverse communication), one gemv per step.
// M must be fully stored (both triangles).
template <typename T>
void arpack_top(const arma::Mat<T>& M, std::size_t want, double tolerance, std::size_t max_iterations,
                std::uint64_t seed, TopEigenpairs<T>& out);

// Thick-restart block Lanczos (block Krylov-Schur with explicit Rayleigh-Ritz and locking): every
// product with M is a gemm on a block of vectors. M must be fully stored.
// Whether the block method's basis stays well below n (otherwise the dense method is cheaper and exact).
bool block_fits(std::size_t n, std::size_t want, const EigenOptions& options);
// Elements of the bases (V, M V), the locked vectors and the Ritz vectors and their products.
std::size_t block_elements(std::size_t n, std::size_t want, const EigenOptions& options);
std::size_t block_width(std::size_t n, std::size_t want, const EigenOptions& options);
template <typename T>
void block_top(const arma::Mat<T>& M, std::size_t want, const EigenOptions& options, double tolerance,
               TopEigenpairs<T>& out);
// The same on an operator of order n given by its block products (only `product` touches M).
template <typename T>
void block_top(std::size_t n, const BlockProduct<T>& product, std::size_t want, const EigenOptions& options,
               double tolerance, TopEigenpairs<T>& out);

// Relative residuals max_i ||M v_i - mu_i v_i|| / scale from the products MV = M * vectors.
template <typename T>
double max_relative_residual(const arma::Mat<T>& MV, const arma::Mat<T>& vectors, const arma::Col<T>& values,
                             double scale);

}  // namespace aelab::eigen_detail
