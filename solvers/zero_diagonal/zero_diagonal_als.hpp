#pragma once
// Low-rank linear autoencoder with the hard constraint diag(U V^T) = 0 (docs/MATH.md §2.3, Figure 1's green
// line): alternating least squares with exact Lagrange multipliers, as in the EDLAE notebooks.
//
// Each step is the exact minimiser of the constrained problem in its block (a strictly convex
// quadratic under n linear constraints), so the objective cannot increase:
//  - U-step (V fixed): stationarity G_L U V^T V - G V + diagMat(mu) V = 0 gives
//    U = (I - C diagMat(gamma)) V (V^T V)^{-1} with gamma = diag(Lambda) + mu, and diag(U V^T) = 0 reads
//    (C o K) gamma = diag(K), K = V (V^T V)^{-1} V^T (C o K is PD by the Schur product theorem when no
//    row of V is zero).
//  - V-step (U fixed): V^T = H (G - diagMat(eta)), H = (U^T G_L U)^{-1} U^T, and u_j^T v_j = 0 gives
//    eta_j = (U H G)_jj / (U H)_jj, i.e. V^T[:, j] = (H G)[:, j] - eta_j H[:, j].
// On the feasible set W~ = W, so Eq. 7 equals this objective and the trace records it.
//
// The 0/0 guard. (U H)_jj = u_j^T (U^T G_L U)^{-1} u_j is zero exactly when u_j = 0. Then the
// constraint u_j^T v_j = 0 holds for every v_j, its multiplier is 0, and we set eta_j = 0 (v_j is the
// unconstrained minimiser). This happens for an item without co-occurrences (G_ij = 0 for i != j):
// C's row j is e_j / C_jj, the U-step gives gamma_j = 1 / C_jj and u_j = 0, and then
// v_j = g_j H[:, j] = 0 too — the optimum for such an item, which no other item can predict or be
// predicted by. A row v_j = 0 makes row and column j of C o K zero and gamma_j irrelevant (it
// multiplies v_j), so the U-step pins gamma_j = 0 by putting 1 on that diagonal entry.
//
// Rank 1 is degenerate: diag(u v^T) = 0 means u_j v_j = 0 for every item, so from any start with
// every v_j != 0 (a random start) the U-step's only feasible point is u = 0 — exactly: with
// K = v v^T / |v|^2 the system gives gamma o v = G_L v and u = (v - C (gamma o v)) / |v|^2 = 0 — and
// the V-step's U^T G_L U is then 0. The EDLAE notebook's updates, run in floating point, iterate on
// the rounding residue of that zero (the objective jumps back to tr G and the run breaks down);
// here a U-step that returns cancellation residue stops the run, and the plugin rejects rank 1.
// From rank 2 on, u_j is only constrained to be orthogonal to v_j and no such collapse occurs.
//
// Memory: C and G (n x n each) are given; the Hadamard system is one further n x n buffer.
// Per epoch: one Cholesky of the n x n system (n^3 / 3) and three n^2 k products.
#include <cstddef>
#include <functional>
#include <string>

#include <armadillo>

#include "core/solver/iteration_trace.hpp"

namespace aelab {

template <typename T>
struct ZeroDiagonalAlsResult {
  arma::Mat<T> U, V;  // the returned iterate (n x k)
  IterationTrace trace{"max|diag(UV^T)|"};
  std::size_t returned_epoch = 0;
  double objective = 0;  // Eq. 7 of (U, V)
};

// G: the Gram matrix; C = (G + Lambda)^{-1}; lambda_diag: Lambda_jj; V0: the start (n x k, full
// column rank). Trace row 0 is the objective of W = 0 (= tr G), which the 1e-4 random start
// approximates. A non-finite iterate or an unusable system stops the run: the last completed epoch
// is returned and the stop is recorded in the trace; when the first epoch fails, throws aelab::Error
// naming it. `log` receives one line per epoch (may be empty). `workspace`, when given, is the n x n
// buffer of the Hadamard system (so a caller can allocate it before other large allocations);
// otherwise one is allocated here.
template <typename T>
ZeroDiagonalAlsResult<T> zero_diagonal_als(const arma::Mat<T>& G, const arma::Mat<T>& C, const arma::vec& lambda_diag,
                                           arma::Mat<T> V0, std::size_t epochs,
                                           const std::function<void(const std::string&)>& log = {},
                                           arma::Mat<T>* workspace = nullptr);

}  // namespace aelab
