#pragma once
// Dense building blocks shared by the linear solvers (docs/MATH.md §1, §2.0, §7; measured costs in docs/BENCHMARKS.md):
//  - the Gram matrix G = X^T X built straight into dense storage from the sparse rows;
//  - Lambda = lambda I + p/(1-p) diagMat(g);
//  - the SPD inverse in place (Cholesky potrf + potri, the n^3 floor of every closed form).
#include <armadillo>

#include "core/data/binary_csr.hpp"

namespace aelab {

// G = X^T X (n x n, both triangles filled). Each column is accumulated in a cache-resident pass over
// the users holding that item (upper triangle only), then mirrored; work is sum_u |x_u|^2 / 2.
// `threads` <= 0 uses all hardware threads.
template <typename T>
void dense_gram(const BinaryCsr& X, arma::Mat<T>& G, int threads = 0);

// g = diag(X^T X): how many users hold each item, as the doubles the regularizer is built from.
arma::vec item_counts(const BinaryCsr& X);

// Lambda_jj = lambda + p / (1 - p) * g_j (docs/MATH.md §1). Requires lambda >= 0 and 0 <= p < 1.
arma::vec lambda_diagonal(const arma::vec& item_counts, double lambda, double p);

// A <- A^{-1} for symmetric positive definite A, in place (potrf + potri on the upper triangle, then
// mirrored). Throws aelab::Error naming the failing leading minor when A is not positive definite.
template <typename T>
void spd_inverse_in_place(arma::Mat<T>& A);

// The Cholesky factor of the SPD matrix A in place (LAPACK potrf on triangle `uplo`, 'U' or 'L'; the
// other triangle is left as it was); throws aelab::Error naming the failing leading minor when A
// (G + Lambda) is not positive definite.
template <typename T>
void cholesky_in_place(arma::Mat<T>& A, char uplo);

// docs/MATH.md §2.0: for W_S = I - C S (S = diagMat(s), C = G_L^{-1}), W_S^T G_L W_S = G_L - 2S + S C S.
// Overwrites GL (= G + Lambda, both triangles) with that matrix in O(n^2), entrywise
// GL_ij + s_i C_ij s_j off the diagonal and GL_jj - 2 s_j + s_j^2 C_jj on it, so no third n^3 product
// and no third n x n matrix is needed. The eigen-matrix of Algorithm 1 is S = diagMat(1 (/) diag C)
// (docs/MATH.md §2.5 step 3), that of the unconstrained closed form S = Lambda (docs/MATH.md §2.1 step 2, G C G).
template <typename T>
void shrunk_gram_in_place(arma::Mat<T>& GL, const arma::Mat<T>& C, const arma::vec& s);

// Copies the upper triangle onto the lower one, in cache-friendly blocks.
template <typename T>
void symmetrize_from_upper(arma::Mat<T>& A);

}  // namespace aelab
