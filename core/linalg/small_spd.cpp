#include "core/linalg/small_spd.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/util/error.hpp"

namespace aelab {

template <typename T>
SmallSpdSystem<T>::SmallSpdSystem(const arma::Mat<T>& A) {
  if (A.n_rows != A.n_cols) throw Error("SmallSpdSystem: matrix is not square");
  if (!A.is_finite()) {
    problem_ = "has non-finite entries";
    return;
  }
  // arma::chol reads the upper triangle; it returns false (without printing) when A is not PD. A
  // product such as UᵀM is symmetric only up to rounding, which chol's debug check would print as
  // "not symmetric" although its upper triangle is all it uses: it gets that triangle mirrored.
  if (!arma::chol(R_, arma::Mat<T>(arma::symmatu(A)), "upper")) {
    problem_ = "is not positive definite";
    return;
  }
  const double rcond_factor = static_cast<double>(arma::rcond(arma::trimatu(R_)));
  rcond_ = rcond_factor * rcond_factor;
  if (!(rcond_ >= static_cast<double>(std::numeric_limits<T>::epsilon()))) {
    char text[96];
    std::snprintf(text, sizeof text, "is numerically singular (reciprocal condition %.2e)", rcond_);
    problem_ = text;
    return;
  }
  ok_ = true;
}

template <typename T>
void SmallSpdSystem<T>::right_solve_in_place(arma::Mat<T>& B) const {
  if (!ok_) throw Error("SmallSpdSystem: solve with an unusable system (" + problem_ + ")");
  if (B.n_cols != R_.n_rows) throw Error("SmallSpdSystem: right-hand side has the wrong number of columns");
  // X A = B  <=>  A X^T = B^T  <=>  R^T R X^T = B^T: two triangular solves (conditioning checked above).
  const arma::Mat<T> Rt = R_.t();
  const arma::Mat<T> Y = arma::solve(arma::trimatl(Rt), B.t(), arma::solve_opts::fast);
  const arma::Mat<T> Xt = arma::solve(arma::trimatu(R_), Y, arma::solve_opts::fast);
  B = Xt.t();
}

template class SmallSpdSystem<float>;
template class SmallSpdSystem<double>;

}  // namespace aelab
