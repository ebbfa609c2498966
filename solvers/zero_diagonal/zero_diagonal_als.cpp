#include "solvers/zero_diagonal/zero_diagonal_als.hpp"

#include <cstdio>
#include <limits>
#include <optional>

#include "core/linalg/blas.hpp"
#include "core/linalg/objective.hpp"
#include "core/linalg/small_spd.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab {

namespace {

template <typename T>
struct AlsState {
  arma::Mat<T> U, V, GU;  // GU = G U of the current U (serves the V-step and the objective)
};

// gamma solving (C o K) gamma = diag(K), K = Vm V^T, in `system` (n x n workspace, overwritten).
// Returns a problem description, or nullopt.
template <typename T>
std::optional<std::string> hadamard_multipliers(const arma::Mat<T>& C, const arma::Mat<T>& Vm, const arma::Mat<T>& V,
                                                arma::Mat<T>& system, arma::Col<T>& gamma) {
  const arma::uword n = C.n_rows;
  system = Vm * V.t();  // K, symmetric
  gamma = system.diag();
  system %= C;
  for (arma::uword j = 0; j < n; ++j)
    if (system.at(j, j) == T(0)) {  // row v_j = 0: row and column j of C o K are zero (see header)
      system.at(j, j) = T(1);
      gamma[j] = T(0);
    }
  int info = 0;
  lapack::potrf('U', static_cast<int>(n), system.memptr(), static_cast<int>(n), info);
  if (info > 0)
    return "the n x n system (C o K) gamma = diag K is not positive definite (Cholesky failed at leading minor " +
           std::to_string(info) + ")";
  if (info < 0) throw Error("potrf: invalid argument " + std::to_string(-info));
  lapack::potrs('U', static_cast<int>(n), 1, system.memptr(), static_cast<int>(n), gamma.memptr(),
                static_cast<int>(n), info);
  if (info != 0) throw Error("potrs failed (info " + std::to_string(info) + ")");
  if (!gamma.is_finite()) return "the Lagrange multipliers of the U-step are not finite";
  return std::nullopt;
}

// One epoch from state.V: U-step then V-step. Returns a problem description, or nullopt.
template <typename T>
std::optional<std::string> als_epoch(const arma::Mat<T>& G, const arma::Mat<T>& C, const arma::Col<T>& lambda,
                                     arma::Mat<T>& system, AlsState<T>& s) {
  // U-step: U = (I - C diagMat(gamma)) Vm with Vm = V (V^T V)^{-1}.
  const SmallSpdSystem<T> VtV(s.V.t() * s.V);
  if (!VtV.ok()) return "V^T V " + VtV.problem();
  arma::Mat<T> Vm = s.V;
  VtV.right_solve_in_place(Vm);
  arma::Col<T> gamma;
  if (auto problem = hadamard_multipliers(C, Vm, s.V, system, gamma)) return problem;
  const arma::Mat<T> correction = C * arma::Mat<T>(Vm.each_col() % gamma);
  s.U = Vm - correction;
  if (!s.U.is_finite()) return std::string("U is not finite after the U-step");
  // A U made of cancellation residue means the constraint left U = 0 as the only feasible point
  // (always so at rank 1, see the header); iterating on rounding noise would be meaningless.
  const T noise = T(C.n_rows) * std::numeric_limits<T>::epsilon() * (arma::abs(Vm).max() + arma::abs(correction).max());
  if (arma::abs(s.U).max() <= noise)
    return std::string("the U-step's only feasible point is U = 0 (diag(UV^T) = 0 leaves U no freedom)");

  // V-step: V = G U M^{-1} corrected per column, M = U^T G_L U, H^T = U M^{-1}.
  s.GU = G * s.U;
  const SmallSpdSystem<T> M(s.U.t() * arma::Mat<T>(s.GU + s.U.each_col() % lambda));
  if (!M.ok()) return "U^T (G + Lambda) U " + M.problem();
  arma::Mat<T> Ht = s.U;
  M.right_solve_in_place(Ht);
  s.V = s.GU;
  M.right_solve_in_place(s.V);
  const arma::Col<T> up = arma::sum(s.U % s.V, 1), down = arma::sum(s.U % Ht, 1);
  arma::Col<T> eta(up.n_elem);
  for (arma::uword j = 0; j < eta.n_elem; ++j) eta[j] = down[j] > T(0) ? up[j] / down[j] : T(0);  // 0/0 guard
  s.V -= Ht.each_col() % eta;
  if (!s.V.is_finite()) return std::string("V is not finite after the V-step");
  return std::nullopt;
}

std::string epoch_line(std::size_t epoch, std::size_t epochs, double objective, double residual, double seconds) {
  char text[160];
  std::snprintf(text, sizeof text, "zero_diagonal epoch %zu/%zu: objective %.8g, max|diag(UV^T)| %.3g, %.2f s", epoch,
                epochs, objective, residual, seconds);
  return text;
}

}  // namespace

template <typename T>
ZeroDiagonalAlsResult<T> zero_diagonal_als(const arma::Mat<T>& G, const arma::Mat<T>& C, const arma::vec& lambda_diag,
                                           arma::Mat<T> V0, std::size_t epochs,
                                           const std::function<void(const std::string&)>& log,
                                           arma::Mat<T>* workspace) {
  const arma::uword n = G.n_rows, k = V0.n_cols;
  if (G.n_cols != n || C.n_rows != n || C.n_cols != n || lambda_diag.n_elem != n || V0.n_rows != n || k == 0 || k > n)
    throw Error("zero_diagonal_als: inconsistent shapes");
  if (n > static_cast<arma::uword>(std::numeric_limits<int>::max()))
    throw Error("zero_diagonal_als: too many items for 32-bit LAPACK");
  const arma::Col<T> lambda = arma::conv_to<arma::Col<T>>::from(lambda_diag);
  const arma::vec g = arma::conv_to<arma::vec>::from(arma::Col<T>(G.diag()));

  ZeroDiagonalAlsResult<T> result;
  result.trace.record({0, arma::accu(g), 0.0, 0.0});
  AlsState<T> state, last;
  state.V = std::move(V0);
  arma::Mat<T> own_workspace;
  arma::Mat<T>& system = workspace ? *workspace : own_workspace;
  system.set_size(n, n);
  for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
    Timer timer;
    std::optional<std::string> problem = als_epoch(G, C, lambda, system, state);
    const double seconds = timer.seconds();
    double objective = 0, residual = 0;
    if (!problem) {
      objective = edlae_objective_from_gu(g, lambda_diag, state.U, state.V, state.GU);
      residual = static_cast<double>(arma::abs(arma::sum(state.U % state.V, 1)).max());
      if (!std::isfinite(objective)) problem = "the objective is not finite";
    }
    if (problem) {
      if (epoch == 1) throw Error("zero_diagonal: epoch 1 failed: " + *problem);
      result.trace.stop(epoch, *problem + "; returning epoch " + std::to_string(epoch - 1));
      if (log) log("zero_diagonal: " + result.trace.stop_reason());
      break;
    }
    result.trace.record({epoch, objective, residual, seconds});
    if (log) log(epoch_line(epoch, epochs, objective, residual, seconds));
    last.U = state.U;  // O(n k) copies: the last good iterate survives a failing next epoch
    last.V = state.V;
    result.returned_epoch = epoch;
    result.objective = objective;
  }
  result.U = std::move(last.U);
  result.V = std::move(last.V);
  return result;
}

template ZeroDiagonalAlsResult<float> zero_diagonal_als<float>(const arma::Mat<float>&, const arma::Mat<float>&,
                                                               const arma::vec&, arma::Mat<float>, std::size_t,
                                                               const std::function<void(const std::string&)>&,
                                                               arma::Mat<float>*);
template ZeroDiagonalAlsResult<double> zero_diagonal_als<double>(const arma::Mat<double>&, const arma::Mat<double>&,
                                                                 const arma::vec&, arma::Mat<double>, std::size_t,
                                                                 const std::function<void(const std::string&)>&,
                                                                 arma::Mat<double>*);

}  // namespace aelab
