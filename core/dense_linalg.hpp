#pragma once
// Dense building blocks shared by the linear solvers (SPEC 1, 2.0, 7.1):
//  - the Gram matrix G = X^T X built straight into dense storage from the sparse rows;
//  - Lambda = lambda I + p/(1-p) diagMat(g);
//  - the SPD inverse in place (Cholesky potrf + potri, the n^3 floor of every closed form).
#include <armadillo>

#include "core/binary_csr.hpp"

namespace aelab {

// G = X^T X (n x n, both triangles filled). Each column is accumulated in a cache-resident pass over
// the users holding that item (upper triangle only), then mirrored; work is sum_u |x_u|^2 / 2.
// `threads` <= 0 uses all hardware threads.
template <typename T>
void dense_gram(const BinaryCsr& X, arma::Mat<T>& G, int threads = 0);

// Lambda_jj = lambda + p / (1 - p) * g_j (SPEC 1). Requires lambda >= 0 and 0 <= p < 1.
arma::vec lambda_diagonal(const arma::vec& item_counts, double lambda, double p);

// A <- A^{-1} for symmetric positive definite A, in place (potrf + potri on the upper triangle, then
// mirrored). Throws aelab::Error naming the failing leading minor when A is not positive definite.
template <typename T>
void spd_inverse_in_place(arma::Mat<T>& A);

// Copies the upper triangle onto the lower one, in cache-friendly blocks.
template <typename T>
void symmetrize_from_upper(arma::Mat<T>& A);

}  // namespace aelab
