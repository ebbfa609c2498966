#pragma once
// Minimises Eq. 7 over the factors (U, V) with libLBFGS, preconditioned by a fixed linear change of
// variables, to a point whose relative gradient norm (FactorObjective::relative_gradient_norm) is
// below a tolerance. Every accepted iterate satisfies the line search's sufficient-decrease condition,
// so the objective decreases monotonically.
//
// The start is first moved to the balanced factorisation of the same W (QR factors Uw = Qu Rs,
// V = Qv Rt and the SVD Rs Rt^T = Y Sigma Z^T give Uw_b = Qu Y Sigma^{1/2}, V_b = Qv Z Sigma^{1/2}),
// the numerically best representation: starts such as ADMM's iterates can carry U and V whose
// singular values span 1e8, and Eq. 7 evaluated from such factors loses digits.
//
// Change of variables (one per L-BFGS run), at the run's start point, which it keeps: Uw = L^T U =
// Xu Su, V = Xv Sv with k x k matrices Su, Sv chosen so that both diagonal blocks of the Hessian are
// close to the identity:
//  - L^T whitens G_L, the n x n factor of the U-block 2 G_L (x) V^T V;
//  - the gauge freedom (U, V) -> (U A, V A^{-T}) balances the k x k Gramians,
//    A^T (Uw^T Uw) A = A^{-1} (V^T V) A^{-T} = Sigma with A = Rs^{-1} Y Sigma^{1/2} (QR and SVD above);
//  - Sigma^{-1/2} scales both blocks, whose Hessians 2 I (x) V^T V and 2 Uw^T Uw (x) I become ~2 I.
// Hence Su = Sigma^{-1} Y^T Rs, Sv = Y^T Rs^{-T}, Xu = Qu Y Sigma, Xv = Qv Z Sigma (Su = Sv =
// Sigma^{-1/2} up to rotations when the point is balanced). Measured on ml-latest-small: without the
// k x k scaling L-BFGS needs ~4x the iterations, without L ~10x or more (docs/EXACT.md).
// When a run stops on a line-search failure after making progress, a new run starts from the last
// accepted point with a fresh change of variables (the factors' gauge drifts over long runs) and an
// empty L-BFGS memory. The point itself is kept, so the trace cannot rise by rounding.
#include <functional>
#include <string>
#include <vector>

#include <armadillo>

#include "solvers/exact/factor_objective.hpp"

namespace aelab::exact {

struct LbfgsOptions {
  std::size_t max_iterations = 1000;  // accepted L-BFGS iterations, over all runs
  double tolerance = 1e-6;            // on the relative gradient norm
  int memory = 10;                    // L-BFGS correction pairs
};

struct TracePoint {
  std::size_t iteration = 0;  // 0: the start point
  double objective = 0;
  double relative_gradient_norm = 0;
  double seconds = 0;         // wall time since the optimisation started
};

enum class StopReason { tolerance, iteration_limit, line_search_failure };

struct LbfgsResult {
  arma::mat U, V;
  double objective = 0;
  double relative_gradient_norm = 0;
  std::size_t iterations = 0;   // accepted iterations
  std::size_t evaluations = 0;  // objective + gradient evaluations (line-search trials included)
  std::size_t restarts = 0;     // runs started after a line-search failure
  StopReason reason = StopReason::tolerance;
  std::string stopped;          // human-readable reason, e.g. "tolerance reached"
  std::vector<TracePoint> trace;
};

// Bytes libLBFGS and the evaluations allocate for rank k on n items with `memory` pairs (double).
std::size_t lbfgs_workspace_bytes(std::size_t n, std::size_t k, int memory);

// `on_iteration` (may be empty) sees every trace point as it is recorded (progress logging).
template <typename T>
LbfgsResult minimize_factors(const FactorObjective<T>& objective, const arma::mat& U0, const arma::mat& V0,
                             const LbfgsOptions& options,
                             const std::function<void(const TracePoint&)>& on_iteration = {});

}  // namespace aelab::exact
