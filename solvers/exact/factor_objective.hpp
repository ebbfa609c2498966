#pragma once
// docs/MATH.md Eq. 7 as a function of the factors, with its gradient, for the `exact` solver:
//   L(U, V) = ||X - X W~||^2 + ||Lambda^{1/2} W~||^2,  W~ = U V^T - diagMat(d),  d = diag(U V^T).
//
// Gradient (direct form, O(n^3)). dL/dW~ = 2 R with R = G_L W~ - G (G_L = G + Lambda); W~ is W with
// its diagonal removed, so dL/dW = 2 R~ with R~ = R - diagMat(diag R), and
//   dL/dU = 2 R~ V,   dL/dV = 2 R~^T U.
//
// Cheap form (O(n^2 k), no m x n and no n x n product). With P = G_L U, D = diagMat(d) and
// r = diag R = rowsum(P o V) - (g + Lambda) o d - g   (o: elementwise, rows scaled by a vector):
//   R~ V   = G_L U V^T V - G_L D V - G V - r o V
//          = P (V^T V) - G_L ((1 + d) o V) + (Lambda - r) o V        (G V = G_L V - Lambda V)
//   R~^T U = V (U^T P) - D P - G U - r o U
//          = V (U^T P) - (1 + d) o P + (Lambda - r) o U              (G U = P - Lambda U)
// so the objective and both gradients need exactly two products of G_L with an n x k block:
// P = G_L U and G_L ((1 + d) o V). The objective reuses P (core/linalg/objective.hpp):
//   L = tr G - 2 [sum(P o V) - Lambda.d - g.d] + sum((U^T P) o (V^T V)) - 2 d.rowsum(P o V) + (g + Lambda).(d o d).
//
// Whitened coordinates. The solver factors G_L = L L^T once (Cholesky, n^3/3 flops: a third of the
// SPD inverse) and works with Uw = L^T U, in which the U-block of the Hessian, 2 G_L (x) V^T V, becomes
// 2 I (x) V^T V (the preconditioning that makes L-BFGS converge in hundreds instead of thousands of
// iterations; see docs/exact.md). In these coordinates
//   U = L^{-T} Uw (trsm),  P = G_L U = L Uw (trmm),  U^T P = Uw^T Uw,
//   dL/dUw = L^{-1} dL/dU = 2 [Uw (V^T V) - L^T ((1 + d) o V) + L^{-1} ((Lambda - r) o V)],
// four triangular products of n^2 k flops each, i.e. the flops of the two G_L products above, and no
// n x n matrix besides L is kept (products with G_L are L (L^T x)).
#include <armadillo>

namespace aelab::exact {

// G + Lambda = L L^T in precision T. n x k blocks are passed in double and converted around each
// BLAS call when T is float (the optimiser's vectors are double whatever the dense precision).
template <typename T>
class GramCholesky {
 public:
  // Factors A = G + Lambda in place (potrf, lower). Throws aelab::Error when A is not positive definite.
  explicit GramCholesky(arma::Mat<T> A);
  arma::uword n() const { return L_.n_rows; }
  arma::mat lower_times(const arma::mat& X) const;                 // L X
  arma::mat lower_transposed_times(const arma::mat& X) const;      // L^T X
  arma::mat lower_solve(const arma::mat& X) const;                 // L^{-1} X
  arma::mat lower_transposed_solve(const arma::mat& X) const;      // L^{-T} X
  arma::mat gram_lambda_times(const arma::mat& X) const;           // (G + Lambda) X = L (L^T X)

 private:
  arma::mat apply(const arma::mat& X, char transpose, bool solve) const;
  arma::Mat<T> L_;  // lower triangle; the strict upper triangle keeps stale entries of G and is never read
};

// Rewrites A, B (n x k) as the balanced factorisation of the same A B^T: with the QR factors
// A = Qa Ra, B = Qb Rb and the SVD Ra Rb^T = Y Sigma Z^T, A <- Qa Y Sigma^{1/2}, B <- Qb Z Sigma^{1/2}.
// Computed from QR factors, not from the Gramians: factors such as ADMM's iterates can be so
// unbalanced (singular values of U from 1e5 to 1e-3) that squaring them loses every digit, and so
// does evaluating Eq. 7 from them. A numerically rank-deficient A B^T is left unchanged.
void balance_factors(arma::mat& A, arma::mat& B);

struct Factors {
  arma::mat U, V;
};

// One evaluation of Eq. 7 at (U, V), with everything the optimiser and the convergence test need.
struct FactorEvaluation {
  double objective = 0;
  arma::mat U, V;     // the point (n x k)
  arma::mat Uw;       // L^T U
  arma::mat grad_Uw;  // dL/dUw = L^{-1} dL/dU
  arma::mat grad_V;   // dL/dV
};

template <typename T>
class FactorObjective {
 public:
  // gram_diagonal: g = diag(G); lambda_diagonal: Lambda_jj (both n).
  FactorObjective(GramCholesky<T> factor, arma::vec gram_diagonal, arma::vec lambda_diagonal);
  arma::uword n() const { return factor_.n(); }
  const GramCholesky<T>& factor() const { return factor_; }

  // Objective and gradients at U = L^{-T} Uw, V (four triangular products).
  FactorEvaluation evaluate_whitened(arma::mat Uw, arma::mat V) const;
  // Same at (U, V) (one more product: Uw = L^T U).
  FactorEvaluation evaluate(const arma::mat& U, const arma::mat& V) const;
  // dL/dU = L dL/dUw (one product; for tests and reports, the optimiser never needs it).
  arma::mat gradient_U(const FactorEvaluation& e) const { return factor_.lower_times(e.grad_Uw); }

  // Relative gradient norm, the convergence measure of the solver:
  //   || P_T(L^{-1} R~) ||_F / sqrt(L(U, V)),
  // where P_T projects onto the tangent space at Uw V^T of the rank-k matrices (what the factor
  // gradients can see: it vanishes exactly when dL/dU = dL/dV = 0). It depends on W = U V^T only (not
  // on the factorisation), is invariant to scaling X, and its square estimates the relative decrease
  // a Gauss-Newton step could still make (for the zero-diagonal quadratic, L(W~) - L(B^) =
  // ||L^T (W~ - B^)||^2 and L^{-1} R~ is that residual before the diagonal projection). Computed from
  // grad_Uw and grad_V in O(n k^2): with orthonormal bases Q_U = Uw F_U, Q_V = V F_V,
  //   ||P_T M||^2 = ||M Q_V||^2 + ||Q_U^T M||^2 - ||Q_U^T M Q_V||^2,  M V = grad_Uw / 2, Uw^T M = grad_V^T / 2.
  double relative_gradient_norm(const FactorEvaluation& e) const;

  // The exact minimiser over V for fixed U (Eq. 7 is a separable least-squares problem in the rows of
  // V): column j of W~ is U_{-j} v_j (U with row j zeroed), so v_j solves
  //   (U_{-j}^T G_L U_{-j}) v_j = U^T G e_j - g_j u_j,
  // a rank-2 update of A = U^T G_L U: A - u_j p_j^T - p_j u_j^T + (G_L)_jj u_j u_j^T with p_j = row j of
  // G_L U, right-hand side p_j - (G_L)_jj u_j. All columns cost one factorisation of A, two k x k
  // solves with n right-hand sides and a 2 x 2 Woodbury system per column: O(n k^2) after P = G_L U.
  // Columns whose 2 x 2 system is (nearly) singular (U_{-j} rank-deficient, e.g. k = n, where v_j is
  // not unique) get the minimum-norm solution of their k x k system instead.
  arma::mat best_V(const arma::mat& U) const;
  // The same V-step for the column space of U, in a well-conditioned basis of it: U' = L^{-T} Q with
  // L^T U = Q R (QR), so U'^T G_L U' = I, and V' = best_V(U'). Eq. 7 at (U', V') is at most its value
  // at (U, V) for any V: the exact solver's first step from every start.
  Factors with_best_V(const arma::mat& U) const;
  // Eq. 7 at (U, V), evaluated from the balanced factorisation of the same W (accurate even for
  // badly unbalanced factors; costs a trmm and two QR factorisations more than evaluate).
  double objective_value(const arma::mat& U, const arma::mat& V) const;

 private:
  GramCholesky<T> factor_;
  arma::vec g_, lambda_, gl_diag_;  // g, Lambda, g + Lambda
  double trace_G_ = 0;
};

}  // namespace aelab::exact
