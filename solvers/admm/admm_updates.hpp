#pragma once
// Low-rank EDLAE by the ADMM of the EDLAE code (SPEC 2.4, Figure 1's black line), implemented
// literally: with Omega = diag(Lambda) + omega, beta = 0, gamma = 0, U = U0 and each epoch
//   R   = G diagMat(1 + beta) + diagMat(Omega o (beta - gamma))
//   V^T = (U^T (G + Lambda + diagMat(Omega)) U)^{-1} U^T R
//   U   = P R V (V^T V)^{-1},   P = (G + Lambda)^{-1}
//   d   = diag(U V^T);  beta = max(0, [diag(G U V^T) - g + Omega o (d + gamma)] (/) (g + omega))
//   gamma += d - beta
// R is never formed: U^T R = (G U)^T diagMat(1 + beta) + U^T diagMat(Omega o (beta - gamma)) and
// R V = G (diagMat(1 + beta) V) + diagMat(Omega o (beta - gamma)) V; diag(G U V^T) is the row sums of
// (G U) o V, and the G U of an epoch's beta-step is reused by the next V-step and by the objective.
// Per epoch: three n^2 k products, no n x n temporary.
//
// The published updates are not exact minimisers of Eq. 7 and can diverge (the objective grows, the
// k x k systems become singular). The trace records Eq. 7 and max|d - beta| every epoch; a
// non-finite value or an unusable k x k system stops the run, naming the epoch.
#include <cstddef>
#include <functional>
#include <string>

#include <armadillo>

#include "core/iteration_trace.hpp"

namespace aelab {

template <typename T>
struct AdmmResult {
  arma::Mat<T> U, V;  // the returned iterate (n x k)
  IterationTrace trace{"max|d - beta|"};
  std::size_t returned_epoch = 0;
  double objective = 0;  // Eq. 7 of (U, V)
};

// G: the Gram matrix; P = (G + Lambda)^{-1}; lambda_diag: Lambda_jj; omega > 0; U0: the start (n x k).
// Returns the last completed epoch, or with keep_best the one of lowest Eq. 7 objective. Trace row 0
// is the objective of W = 0 (= tr G), which the 1e-4 random start approximates. When the first
// epoch already fails, throws aelab::Error naming it. `log` receives one line per epoch (may be empty).
template <typename T>
AdmmResult<T> run_admm(const arma::Mat<T>& G, const arma::Mat<T>& P, const arma::vec& lambda_diag, double omega,
                       arma::Mat<T> U0, std::size_t epochs, bool keep_best,
                       const std::function<void(const std::string&)>& log = {});

}  // namespace aelab
