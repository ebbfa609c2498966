#pragma once
// Low-rank EDLAE by the ADMM of the EDLAE code (docs/MATH.md §2.4, Figure 1's black line), implemented
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
// non-finite value or an unusable k x k system stops the run, naming the epoch and what the objective
// did before it: a k x k system can also turn singular (in float32 at k in the hundreds) while Eq. 7
// is still falling, which is a numerical breakdown and must not be reported as divergence.
#include <cstddef>
#include <functional>
#include <string>

#include <armadillo>

#include "core/solver/iteration_trace.hpp"

namespace aelab {

template <typename T>
struct AdmmIterate {
  arma::Mat<T> U, V;       // n x k
  std::size_t epoch = 0;   // 1..: after that many epochs
  double objective = 0;    // Eq. 7 of (U, V)
};

template <typename T>
struct AdmmResult {
  AdmmIterate<T> last;  // the last completed epoch (what the published code returns)
  AdmmIterate<T> best;  // the completed epoch of lowest Eq. 7 (equal to `last` when that is the best)
  IterationTrace trace{"max|d - beta|"};
  // When the run stopped early: the epoch that failed and why (the trace's stop reason is left to the
  // caller, which knows which iterate it returns).
  std::size_t failed_epoch = 0;
  std::string failure;
  const AdmmIterate<T>& iterate(bool keep_best) const { return keep_best ? best : last; }
};

// Why the run stopped, for the report: `problem` (what failed in the epoch after the trace's last row)
// followed by what the recorded objectives show: "diverged" only when the last completed epoch is
// above the best one, "still falling" when the last completed epoch is the best so far.
std::string admm_stop_description(const IterationTrace& trace, const std::string& problem);

// G: the Gram matrix; P = (G + Lambda)^{-1}; lambda_diag: Lambda_jj; omega > 0; U0: the start (n x k).
// Runs `epochs` epochs or until one fails, and returns both the last completed epoch and the one of
// lowest Eq. 7 objective (the best is copied when it improves, O(n k)). Trace row 0 is the objective
// of W = 0 (= tr G), which the 1e-4 random start approximates. When the first epoch already fails,
// throws aelab::Error naming it. `log` receives one line per epoch (may be empty).
template <typename T>
AdmmResult<T> run_admm(const arma::Mat<T>& G, const arma::Mat<T>& P, const arma::vec& lambda_diag, double omega,
                       arma::Mat<T> U0, std::size_t epochs,
                       const std::function<void(const std::string&)>& log = {});

}  // namespace aelab
