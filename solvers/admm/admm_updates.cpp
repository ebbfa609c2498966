#include "solvers/admm/admm_updates.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "core/linalg/objective.hpp"
#include "core/linalg/small_spd.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab {

namespace {

template <typename T>
struct AdmmState {
  arma::Mat<T> U, V, GU;  // GU = G U of the current U
  arma::Col<T> beta, gamma, d;
};

// One epoch of docs/MATH.md §2.4 from (state.U, state.GU, beta, gamma). Returns a problem description, or nullopt.
template <typename T>
std::optional<std::string> admm_epoch(const arma::Mat<T>& G, const arma::Mat<T>& P, const arma::Col<T>& g,
                                      const arma::Col<T>& lambda, const arma::Col<T>& Omega, T omega,
                                      AdmmState<T>& s) {
  const arma::Col<T> scale = T(1) + s.beta;                     // diagMat(1 + beta)
  const arma::Col<T> shift = Omega % (s.beta - s.gamma);        // diagMat(Omega o (beta - gamma))
  // V-step: V = R^T U M^{-1} = [diagMat(1 + beta) G U + diagMat(shift) U] M^{-1}, M = U^T (G + Lambda + Omega) U.
  const SmallSpdSystem<T> M(s.U.t() * arma::Mat<T>(s.GU + s.U.each_col() % (lambda + Omega)));
  if (!M.ok()) return "the V-step system U^T (G + Lambda + diagMat(Omega)) U " + M.problem();
  s.V = s.GU.each_col() % scale + s.U.each_col() % shift;
  M.right_solve_in_place(s.V);
  if (!s.V.is_finite()) return std::string("V is not finite after the V-step");
  // U-step: U = P R V (V^T V)^{-1}, R V = G (diagMat(1 + beta) V) + diagMat(shift) V.
  const SmallSpdSystem<T> VtV(s.V.t() * s.V);
  if (!VtV.ok()) return "the U-step system V^T V " + VtV.problem();
  arma::Mat<T> RV = G * arma::Mat<T>(s.V.each_col() % scale) + s.V.each_col() % shift;
  VtV.right_solve_in_place(RV);
  s.U = P * RV;
  if (!s.U.is_finite()) return std::string("U is not finite after the U-step");
  // beta-step with diag(G U V^T) = rowsum((G U) o V), then the scaled dual.
  s.GU = G * s.U;
  s.d = arma::sum(s.U % s.V, 1);
  const arma::Col<T> diag_GW = arma::sum(s.GU % s.V, 1);
  s.beta = arma::clamp((diag_GW - g + Omega % (s.d + s.gamma)) / (g + omega), T(0), std::numeric_limits<T>::max());
  s.gamma += s.d - s.beta;
  if (!s.beta.is_finite() || !s.gamma.is_finite()) return std::string("beta or gamma is not finite");
  return std::nullopt;
}

std::string epoch_line(std::size_t epoch, std::size_t epochs, double objective, double residual, double seconds) {
  char text[160];
  std::snprintf(text, sizeof text, "admm epoch %zu/%zu: objective %.8g, max|d - beta| %.3g, %.2f s", epoch, epochs,
                objective, residual, seconds);
  return text;
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.8g", x);
  return text;
}

}  // namespace

std::string admm_stop_description(const IterationTrace& trace, const std::string& problem) {
  const std::size_t last = trace.last_epoch(), best = trace.best_epoch();
  if (last == 0) return problem;
  const std::string at_last = "epoch " + std::to_string(last) + " objective " + number(trace.objective_at(last));
  if (best != last)
    return problem + " after the objective rose from " + number(trace.objective_at(best)) + " (epoch " +
           std::to_string(best) + ", the best) to " + at_last + " (the published ADMM diverged)";
  return problem + " while the objective was still falling (" + at_last +
         ", the best so far): a numerical breakdown of the published updates, not divergence";
}

template <typename T>
AdmmResult<T> run_admm(const arma::Mat<T>& G, const arma::Mat<T>& P, const arma::vec& lambda_diag, double omega,
                       arma::Mat<T> U0, std::size_t epochs,
                       const std::function<void(const std::string&)>& log) {
  const arma::uword n = G.n_rows, k = U0.n_cols;
  if (G.n_cols != n || P.n_rows != n || P.n_cols != n || lambda_diag.n_elem != n || U0.n_rows != n || k == 0 || k > n)
    throw Error("run_admm: inconsistent shapes");
  if (!(omega > 0)) throw Error("run_admm: omega must be > 0");
  const arma::vec g_double = arma::conv_to<arma::vec>::from(arma::Col<T>(G.diag()));
  const arma::Col<T> g = G.diag(), lambda = arma::conv_to<arma::Col<T>>::from(lambda_diag);
  const arma::Col<T> Omega = lambda + static_cast<T>(omega);

  AdmmResult<T> result;
  result.trace.record({0, arma::accu(g_double), 0.0, 0.0});
  AdmmState<T> s;
  s.U = std::move(U0);
  s.GU = G * s.U;
  s.beta.zeros(n);
  s.gamma.zeros(n);
  for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
    Timer timer;
    std::optional<std::string> problem = admm_epoch(G, P, g, lambda, Omega, static_cast<T>(omega), s);
    const double seconds = timer.seconds();
    double objective = 0, residual = 0;
    if (!problem) {
      objective = edlae_objective_from_gu(g_double, lambda_diag, s.U, s.V, s.GU);
      residual = static_cast<double>(arma::abs(s.d - s.beta).max());
      if (!std::isfinite(objective)) problem = "the objective is not finite";
    }
    if (problem) {
      if (epoch == 1) throw Error("admm: epoch 1 failed: " + *problem + "; no finite iterate to return");
      result.failed_epoch = epoch;
      result.failure = admm_stop_description(result.trace, *problem);
      if (log) log("admm: stopped at epoch " + std::to_string(epoch) + ": " + result.failure);
      break;
    }
    result.trace.record({epoch, objective, residual, seconds});
    if (log) log(epoch_line(epoch, epochs, objective, residual, seconds));
    result.last = AdmmIterate<T>{s.U, s.V, epoch, objective};
    // The best iterate so far is copied when it changes (O(n k)); a later worse epoch leaves it alone.
    if (result.trace.best_epoch() == epoch) result.best = result.last;
  }
  return result;
}

template AdmmResult<float> run_admm<float>(const arma::Mat<float>&, const arma::Mat<float>&, const arma::vec&, double,
                                           arma::Mat<float>, std::size_t,
                                           const std::function<void(const std::string&)>&);
template AdmmResult<double> run_admm<double>(const arma::Mat<double>&, const arma::Mat<double>&, const arma::vec&,
                                             double, arma::Mat<double>, std::size_t,
                                             const std::function<void(const std::string&)>&);

}  // namespace aelab
