#include "core/objective.hpp"

#include "core/error.hpp"

namespace aelab {

template <typename T>
double edlae_objective(const arma::Mat<T>& G, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                       const arma::Mat<T>& V) {
  const arma::uword n = G.n_rows;
  if (G.n_cols != n || U.n_rows != n) throw Error("edlae_objective: inconsistent shapes");
  // The one O(n^2 k) product, in the model's precision.
  const arma::Mat<T> GU = G * U;
  return edlae_objective_given_gu(arma::conv_to<arma::vec>::from(arma::Col<T>(G.diag())), lambda_diag, U, V, GU);
}

template <typename T>
double edlae_objective_given_gu(const arma::vec& g, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                                const arma::Mat<T>& V, const arma::Mat<T>& GU) {
  const arma::uword n = g.n_elem;
  if (lambda_diag.n_elem != n || U.n_rows != n || V.n_rows != n || U.n_cols != V.n_cols || GU.n_rows != n ||
      GU.n_cols != U.n_cols)
    throw Error("edlae_objective: inconsistent shapes");
  // Everything from here in double, whatever T is.
  const arma::mat Ud = arma::conv_to<arma::mat>::from(U), Vd = arma::conv_to<arma::mat>::from(V);
  const arma::mat GUd = arma::conv_to<arma::mat>::from(GU);
  const arma::mat P = GUd + Ud.each_col() % lambda_diag;  // (G + Lambda) U
  const arma::vec d = arma::sum(Ud % Vd, 1);              // diag(U V^T)
  const double trace_G = arma::accu(g);
  const double trace_GW = arma::accu(GUd % Vd) - arma::dot(g, d);
  const double quad = arma::accu((Ud.t() * P) % (Vd.t() * Vd)) - 2.0 * arma::dot(d, arma::sum(P % Vd, 1)) +
                      arma::dot(d % d, g + lambda_diag);
  return trace_G - 2.0 * trace_GW + quad;
}

template <typename T>
double edlae_objective_dense(const arma::Mat<T>& G, const arma::vec& lambda_diag, const arma::Mat<T>& W) {
  const arma::uword n = G.n_rows;
  if (G.n_cols != n || lambda_diag.n_elem != n || W.n_rows != n || W.n_cols != n)
    throw Error("edlae_objective_dense: inconsistent shapes");
  arma::mat Wt = arma::conv_to<arma::mat>::from(W);
  Wt.diag().zeros();
  const arma::mat Gd = arma::conv_to<arma::mat>::from(G);
  const arma::mat GW = Gd * Wt;
  return arma::trace(Gd) - 2.0 * arma::trace(GW) + arma::accu(Wt % GW) +
         arma::accu(arma::mat(Wt % Wt).each_col() % lambda_diag);
}

template double edlae_objective<float>(const arma::Mat<float>&, const arma::vec&, const arma::Mat<float>&,
                                       const arma::Mat<float>&);
template double edlae_objective<double>(const arma::Mat<double>&, const arma::vec&, const arma::Mat<double>&,
                                        const arma::Mat<double>&);
template double edlae_objective_given_gu<float>(const arma::vec&, const arma::vec&, const arma::Mat<float>&,
                                                const arma::Mat<float>&, const arma::Mat<float>&);
template double edlae_objective_given_gu<double>(const arma::vec&, const arma::vec&, const arma::Mat<double>&,
                                                 const arma::Mat<double>&, const arma::Mat<double>&);
template double edlae_objective_dense<float>(const arma::Mat<float>&, const arma::vec&, const arma::Mat<float>&);
template double edlae_objective_dense<double>(const arma::Mat<double>&, const arma::vec&, const arma::Mat<double>&);

}  // namespace aelab
