#pragma once
// The small k x k symmetric positive definite systems of the iterative solvers (U^T G_L U, V^T V,
// ...), factored once by Cholesky and checked, so that a (numerically) singular system becomes a
// reported stop of the iteration instead of a silently wrong solve.
#include <string>

#include <armadillo>

namespace aelab {

template <typename T>
class SmallSpdSystem {
 public:
  // Factors A = R^T R (only the upper triangle of A is read). Never throws on a bad A: check ok().
  explicit SmallSpdSystem(const arma::Mat<T>& A);

  // False when A is not positive definite, or when its estimated reciprocal condition number
  // (1-norm, rcond(A) ~ rcond(R)^2) is below the machine epsilon of T: a solve would then have no
  // correct digit.
  bool ok() const { return ok_; }
  double rcond() const { return rcond_; }
  // Why the system is unusable ("not positive definite", "numerically singular (rcond 3e-19)"), "" if ok.
  const std::string& problem() const { return problem_; }

  // B <- B A^{-1} for B with k columns (the solution X of X A = B; A is symmetric).
  void right_solve_in_place(arma::Mat<T>& B) const;

 private:
  arma::Mat<T> R_;
  bool ok_ = false;
  double rcond_ = 0;
  std::string problem_;
};

}  // namespace aelab
