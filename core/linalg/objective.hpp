#pragma once
// The low-rank EDLAE training objective, docs/MATH.md Eq. 7:
//   L(U, V) = ||X - X W~||^2 + ||Lambda^{1/2} W~||^2,  W~ = U V^T - diagMat(diag(U V^T)),
// evaluated from G = X^T X in O(n^2 k) without any m x n product:
//   L = tr(G) - 2 tr(G W~) + tr(W~^T (G + Lambda) W~), with d = diag(U V^T), P = (G + Lambda) U:
//   tr(G W~)             = sum((P - Lambda U) o V) - g.d
//   tr(W~^T G_L W~)      = sum((U^T P) o (V^T V)) - 2 sum_j d_j rowsum(P o V)_j + sum_j d_j^2 (G_jj + Lambda_jj)
// Every low-rank model (unconstrained, Algorithm 1, zero-diagonal ALS, ADMM, exact) is scored with it.
#include <armadillo>

namespace aelab {

// G: the Gram matrix X^T X (n x n, symmetric); lambda_diag: Lambda_jj (n); U, V: n x k.
// Accumulates in double whatever T is.
template <typename T>
double edlae_objective(const arma::Mat<T>& G, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                       const arma::Mat<T>& V);

// Same, with GU = G U (n x k) already computed: a rank sweep computes G U once at the largest rank and
// passes leading column blocks (U_k = U(:, 0:k-1) gives G U_k = GU(:, 0:k-1)). O(n k^2).
// g = diag(G).
template <typename T>
double edlae_objective_from_gu(const arma::vec& g, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                               const arma::Mat<T>& V, const arma::Mat<T>& GU);

// The objective of the unconstrained linear AE (docs/MATH.md §2.1), diagonal included:
//   ||X - X U V^T||^2 + ||Lambda^{1/2} U V^T||^2 = tr(G) - 2 sum(GU o V) + sum((U^T (G + Lambda) U) o (V^T V)).
template <typename T>
double linear_ae_objective_from_gu(const arma::vec& g, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                                   const arma::Mat<T>& V, const arma::Mat<T>& GU);

// Both objectives for the full-rank models W_S = I - C S (S = diagMat(s), C = (G + Lambda)^{-1}) in
// O(n) from g, Lambda, c = diag(C) and s (derivation in objective.cpp): B^ is S = diagMat(1 (/) c),
// the unconstrained full-rank model I - C Lambda is S = Lambda.
double edlae_objective_shrinkage_form(const arma::vec& g, const arma::vec& lambda_diag, const arma::vec& c,
                                      const arma::vec& s);
double linear_ae_objective_shrinkage_form(const arma::vec& g, const arma::vec& lambda_diag, const arma::vec& c,
                                          const arma::vec& s);

// Same objective for a dense item-item matrix W (its diagonal is ignored, as in Eq. 7). O(n^3):
// for full-rank models and tests.
template <typename T>
double edlae_objective_dense(const arma::Mat<T>& G, const arma::vec& lambda_diag, const arma::Mat<T>& W);

}  // namespace aelab
