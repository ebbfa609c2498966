#include "solvers/exact/factor_objective.hpp"

#include <cmath>
#include <limits>

#include "core/linalg/blas.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/util/error.hpp"

namespace aelab::exact {

template <typename T>
GramCholesky<T>::GramCholesky(arma::Mat<T> A) : L_(std::move(A)) {
  cholesky_in_place(L_, 'L');
}

template <typename T>
arma::mat GramCholesky<T>::apply(const arma::mat& X, char transpose, bool solve) const {
  if (X.n_rows != L_.n_rows) throw Error("exact: block has " + std::to_string(X.n_rows) + " rows, expected " +
                                         std::to_string(L_.n_rows));
  if (X.n_elem == 0) return X;
  const int m = static_cast<int>(X.n_rows), k = static_cast<int>(X.n_cols);
  if constexpr (std::is_same_v<T, double>) {
    arma::mat B = X;
    if (solve) blas::trsm('L', 'L', transpose, 'N', m, k, 1.0, L_.memptr(), m, B.memptr(), m);
    else blas::trmm('L', 'L', transpose, 'N', m, k, 1.0, L_.memptr(), m, B.memptr(), m);
    return B;
  } else {
    arma::Mat<T> B = arma::conv_to<arma::Mat<T>>::from(X);
    if (solve) blas::trsm('L', 'L', transpose, 'N', m, k, T(1), L_.memptr(), m, B.memptr(), m);
    else blas::trmm('L', 'L', transpose, 'N', m, k, T(1), L_.memptr(), m, B.memptr(), m);
    return arma::conv_to<arma::mat>::from(B);
  }
}

template <typename T>
arma::mat GramCholesky<T>::lower_times(const arma::mat& X) const { return apply(X, 'N', false); }
template <typename T>
arma::mat GramCholesky<T>::lower_transposed_times(const arma::mat& X) const { return apply(X, 'T', false); }
template <typename T>
arma::mat GramCholesky<T>::lower_solve(const arma::mat& X) const { return apply(X, 'N', true); }
template <typename T>
arma::mat GramCholesky<T>::lower_transposed_solve(const arma::mat& X) const { return apply(X, 'T', true); }
template <typename T>
arma::mat GramCholesky<T>::gram_lambda_times(const arma::mat& X) const {
  return lower_times(lower_transposed_times(X));
}

void balance_factors(arma::mat& A, arma::mat& B) {
  arma::mat Qa, Ra, Qb, Rb, Y, Z;
  arma::vec sigma;
  if (!arma::qr_econ(Qa, Ra, A) || !arma::qr_econ(Qb, Rb, B) || !arma::svd(Y, sigma, Z, arma::mat(Ra * Rb.t())) ||
      sigma.n_elem != A.n_cols || !(sigma.min() > 1e-12 * sigma.max()))
    return;
  const arma::rowvec root = arma::sqrt(sigma).t();
  arma::mat Ab = (Qa * Y).eval().each_row() % root, Bb = (Qb * Z).eval().each_row() % root;
  if (!Ab.is_finite() || !Bb.is_finite()) return;
  A = std::move(Ab);
  B = std::move(Bb);
}

template <typename T>
FactorObjective<T>::FactorObjective(GramCholesky<T> factor, arma::vec gram_diagonal, arma::vec lambda_diagonal)
    : factor_(std::move(factor)), g_(std::move(gram_diagonal)), lambda_(std::move(lambda_diagonal)) {
  if (g_.n_elem != factor_.n() || lambda_.n_elem != factor_.n())
    throw Error("exact: diagonals do not match the Gram matrix");
  gl_diag_ = g_ + lambda_;
  trace_G_ = arma::accu(g_);
}

template <typename T>
FactorEvaluation FactorObjective<T>::evaluate_whitened(arma::mat Uw, arma::mat V) const {
  if (Uw.n_rows != n() || V.n_rows != n() || Uw.n_cols != V.n_cols) throw Error("exact: inconsistent factor shapes");
  FactorEvaluation e;
  e.U = factor_.lower_transposed_solve(Uw);
  const arma::mat P = factor_.lower_times(Uw);  // G_L U
  const arma::vec d = arma::sum(e.U % V, 1);
  const arma::vec pv = arma::sum(P % V, 1);     // diag(G_L U V^T)
  const arma::vec r = pv - gl_diag_ % d - g_;   // diag R
  const arma::mat UtP = Uw.t() * Uw, VtV = V.t() * V;
  const double trace_GW = arma::accu(pv) - arma::dot(lambda_ + g_, d);
  const double quad = arma::accu(UtP % VtV) - 2.0 * arma::dot(d, pv) + arma::dot(d % d, gl_diag_);
  e.objective = trace_G_ - 2.0 * trace_GW + quad;

  const arma::vec one_plus_d = 1.0 + d, lambda_minus_r = lambda_ - r;
  e.grad_Uw = 2.0 * (Uw * VtV - factor_.lower_transposed_times(arma::mat(V.each_col() % one_plus_d)) +
                     factor_.lower_solve(arma::mat(V.each_col() % lambda_minus_r)));
  e.grad_V = 2.0 * (V * UtP - P.each_col() % one_plus_d + e.U.each_col() % lambda_minus_r);
  e.Uw = std::move(Uw);
  e.V = std::move(V);
  return e;
}

template <typename T>
FactorEvaluation FactorObjective<T>::evaluate(const arma::mat& U, const arma::mat& V) const {
  FactorEvaluation e = evaluate_whitened(factor_.lower_transposed_times(U), V);
  e.U = U;  // the caller's factor exactly, not its round trip through L^{-T} L^T
  return e;
}

namespace {

// F (k x r) such that X F has orthonormal columns spanning the range of X (r = numerical rank), from
// the SVD of the triangular QR factor (the Gramian X^T X would square the condition number).
arma::mat orthonormalizer(const arma::mat& X) {
  arma::mat Q, R, Y, Z;
  arma::vec s;
  if (!arma::qr_econ(Q, R, X) || !arma::svd(Y, s, Z, R)) throw Error("exact: QR/SVD of a factor failed");
  // X = Q R = (Q Y) diag(s) Z^T, so X Z diag(1/s) = Q Y is orthonormal.
  const double cutoff = s.n_elem ? s.max() * 1e-14 * static_cast<double>(X.n_rows) : 0;
  const arma::uvec keep = arma::find(s > cutoff);
  return Z.cols(keep) * arma::diagmat(1.0 / s(keep));
}

}  // namespace

template <typename T>
double FactorObjective<T>::relative_gradient_norm(const FactorEvaluation& e) const {
  const arma::mat FU = orthonormalizer(e.Uw), FV = orthonormalizer(e.V);
  const arma::mat MQv = 0.5 * e.grad_Uw * FV;           // M Q_V
  const arma::mat QutM = 0.5 * FU.t() * e.grad_V.t();   // Q_U^T M
  const arma::mat QutMQv = FU.t() * (e.Uw.t() * MQv);   // Q_U^T M Q_V
  const double squared = arma::accu(MQv % MQv) + arma::accu(QutM % QutM) - arma::accu(QutMQv % QutMQv);
  return std::sqrt(std::max(squared, 0.0) / std::max(e.objective, std::numeric_limits<double>::min()));
}

template <typename T>
arma::mat FactorObjective<T>::best_V(const arma::mat& U) const {
  if (U.n_rows != n()) throw Error("exact: U has the wrong number of rows");
  const arma::uword nn = n(), k = U.n_cols;
  const arma::mat P = factor_.gram_lambda_times(U);
  const arma::mat A = arma::symmatu(U.t() * P);
  const arma::rowvec c = gl_diag_.t();
  arma::mat Vt(k, nn);
  arma::uvec direct;  // columns solved directly
  arma::mat R;
  if (arma::chol(R, A)) {
    // Y1 = A^{-1} U^T, Y2 = A^{-1} P^T; A^{-1} b_j = Y2_j - c_j Y1_j.
    const arma::mat Y1 = arma::solve(arma::trimatu(R), arma::solve(arma::trimatl(R.t()), U.t()));
    const arma::mat Y2 = arma::solve(arma::trimatu(R), arma::solve(arma::trimatl(R.t()), P.t()));
    // A_j = A + E M E^T with E = [u_j p_j], M = [[c_j, -1], [-1, 0]], M^{-1} = [[0, -1], [-1, -c_j]];
    // Woodbury: A_j^{-1} b = A^{-1} b - A^{-1} E S^{-1} E^T A^{-1} b, S = M^{-1} + E^T A^{-1} E.
    const arma::rowvec uu = arma::sum(U.t() % Y1, 0), up = arma::sum(U.t() % Y2, 0), pp = arma::sum(P.t() % Y2, 0);
    const arma::rowvec b0 = up - c % uu, b1 = pp - c % up;  // E^T A^{-1} b
    const arma::rowvec s00 = uu, s01 = up - 1.0, s11 = pp - c;
    const arma::rowvec det = s00 % s11 - s01 % s01;
    const arma::rowvec z0 = (s11 % b0 - s01 % b1) / det, z1 = (s00 % b1 - s01 % b0) / det;
    Vt = Y2 - Y1.each_row() % c - Y1.each_row() % z0 - Y2.each_row() % z1;
    // S is singular to working precision when det is below 1e-12 of the size of its terms (measured
    // before their cancellation: at k = n, uu = C_jj, up = 1 and pp = (G_L)_jj, so det is exactly 0).
    arma::urowvec fallback =
        arma::abs(det) <= 1e-12 * (arma::abs(s00) % (arma::abs(pp) + c) + arma::square(arma::abs(up) + 1.0));
    // A safety net for ill-conditioned columns: the residual
    // A_j v_j - b_j = A v_j - u_j (p_j.v_j - c_j u_j.v_j) - p_j (u_j.v_j) - b_j must be small.
    const arma::mat Ut = U.t(), Pt = P.t();
    const arma::rowvec uv = arma::sum(Ut % Vt, 0), pv = arma::sum(Pt % Vt, 0);
    const arma::mat rhs = Pt - Ut.each_row() % c;
    const arma::mat residual = A * Vt - Ut.each_row() % (pv - c % uv) - Pt.each_row() % uv - rhs;
    const double norm_A = arma::norm(A, "fro");
    for (arma::uword j = 0; j < nn; ++j)
      if (!Vt.col(j).is_finite() ||
          arma::norm(residual.col(j)) > 1e-8 * (norm_A * arma::norm(Vt.col(j)) + arma::norm(rhs.col(j))))
        fallback[j] = 1;
    direct = arma::find(fallback);
  } else {
    direct = arma::regspace<arma::uvec>(0, nn - 1);  // U itself is rank-deficient
  }
  for (const arma::uword j : direct) {
    const arma::vec u = U.row(j).t(), p = P.row(j).t();
    const arma::mat Aj = A - u * p.t() - p * u.t() + c[j] * (u * u.t());
    Vt.col(j) = arma::pinv(arma::symmatu(Aj)) * (p - c[j] * u);
  }
  return Vt.t();
}

template <typename T>
Factors FactorObjective<T>::with_best_V(const arma::mat& U) const {
  arma::mat Q, R;
  if (!arma::qr_econ(Q, R, factor_.lower_transposed_times(U))) throw Error("exact: QR of the start factor failed");
  Factors f;
  f.U = factor_.lower_transposed_solve(Q);
  f.V = best_V(f.U);
  return f;
}

template <typename T>
double FactorObjective<T>::objective_value(const arma::mat& U, const arma::mat& V) const {
  arma::mat Uw = factor_.lower_transposed_times(U), Vb = V;
  balance_factors(Uw, Vb);
  return evaluate_whitened(std::move(Uw), std::move(Vb)).objective;
}

template class GramCholesky<float>;
template class GramCholesky<double>;
template class FactorObjective<float>;
template class FactorObjective<double>;

}  // namespace aelab::exact
