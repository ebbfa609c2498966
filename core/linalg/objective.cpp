#include "core/linalg/objective.hpp"

#include "core/util/error.hpp"

namespace aelab {

template <typename T>
double edlae_objective(const arma::Mat<T>& G, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                       const arma::Mat<T>& V) {
  const arma::uword n = G.n_rows;
  if (G.n_cols != n || lambda_diag.n_elem != n || U.n_rows != n || V.n_rows != n || U.n_cols != V.n_cols)
    throw Error("edlae_objective: inconsistent shapes");
  const arma::vec g = arma::conv_to<arma::vec>::from(arma::Col<T>(G.diag()));
  // The one O(n^2 k) product, in the model's precision; everything else in double.
  return edlae_objective_from_gu(g, lambda_diag, U, V, arma::Mat<T>(G * U));
}

namespace {
void check_gu_shapes(const char* what, const arma::vec& g, const arma::vec& lambda_diag, arma::uword Ur, arma::uword Uc,
                     arma::uword Vr, arma::uword Vc, arma::uword GUr, arma::uword GUc) {
  const arma::uword n = g.n_elem;
  if (lambda_diag.n_elem != n || Ur != n || Vr != n || GUr != n || Uc != Vc || GUc != Uc)
    throw Error(std::string(what) + ": inconsistent shapes");
}
}  // namespace

template <typename T>
double edlae_objective_from_gu(const arma::vec& g, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                               const arma::Mat<T>& V, const arma::Mat<T>& GU_model) {
  check_gu_shapes("edlae_objective", g, lambda_diag, U.n_rows, U.n_cols, V.n_rows, V.n_cols, GU_model.n_rows,
                  GU_model.n_cols);
  const arma::mat Ud = arma::conv_to<arma::mat>::from(U), Vd = arma::conv_to<arma::mat>::from(V);
  const arma::mat GU = arma::conv_to<arma::mat>::from(GU_model);
  const arma::mat P = GU + Ud.each_col() % lambda_diag;  // (G + Lambda) U
  const arma::vec d = arma::sum(Ud % Vd, 1);             // diag(U V^T)
  const double trace_G = arma::accu(g);
  const double trace_GW = arma::accu(GU % Vd) - arma::dot(g, d);
  const double quad = arma::accu((Ud.t() * P) % (Vd.t() * Vd)) - 2.0 * arma::dot(d, arma::sum(P % Vd, 1)) +
                      arma::dot(d % d, g + lambda_diag);
  return trace_G - 2.0 * trace_GW + quad;
}

template <typename T>
double linear_ae_objective_from_gu(const arma::vec& g, const arma::vec& lambda_diag, const arma::Mat<T>& U,
                                   const arma::Mat<T>& V, const arma::Mat<T>& GU_model) {
  check_gu_shapes("linear_ae_objective", g, lambda_diag, U.n_rows, U.n_cols, V.n_rows, V.n_cols, GU_model.n_rows,
                  GU_model.n_cols);
  const arma::mat Ud = arma::conv_to<arma::mat>::from(U), Vd = arma::conv_to<arma::mat>::from(V);
  const arma::mat GU = arma::conv_to<arma::mat>::from(GU_model);
  const arma::mat P = GU + Ud.each_col() % lambda_diag;  // (G + Lambda) U
  return arma::accu(g) - 2.0 * arma::accu(GU % Vd) + arma::accu((Ud.t() * P) % (Vd.t() * Vd));
}

// W = I - C S, a = diag(C S) = c o s, diag(W) = 1 - a, G_L = G + Lambda, G_L C = I.
// Eq. 7 uses W~ = W - diagMat(diag W) = -C S + diagMat(a):
//   G_L W~ = -S + G_L diagMat(a), so tr(G W~) = tr(G_L W~) - tr(Lambda W~) = sum_j (-s_j + GL_jj a_j)
//   (diag W~ = 0), and tr(W~^T G_L W~) = -tr(W~^T S) + sum_j a_j (G_L W~)_jj = sum_j a_j (-s_j + GL_jj a_j).
//   L = tr(G) - 2 tr(G W~) + tr(W~^T G_L W~) = sum_j [g_j + 2 s_j - 2 GL_jj a_j - a_j s_j + GL_jj a_j^2].
// For B^ (s = 1 (/) c, a = 1) this is sum_j (1/c_j - Lambda_jj).
double edlae_objective_shrinkage_form(const arma::vec& g, const arma::vec& lambda_diag, const arma::vec& c,
                                      const arma::vec& s) {
  const arma::vec GL = g + lambda_diag, a = c % s;
  return arma::accu(g + 2.0 * s - 2.0 * GL % a - a % s + GL % a % a);
}

// With the diagonal: G_L W = G_L - S, tr(W^T G_L W) = tr(G_L W) - sum_j s_j W_jj, tr(G W) = tr(G_L W) -
// sum_j Lambda_jj W_jj, so L = tr(G) - 2 tr(G W) + tr(W^T G_L W)
//   = sum_j [s_j - Lambda_jj + (2 Lambda_jj - s_j)(1 - a_j)]; for S = Lambda: sum_j Lambda_jj (1 - c_j Lambda_jj).
double linear_ae_objective_shrinkage_form(const arma::vec& g, const arma::vec& lambda_diag, const arma::vec& c,
                                          const arma::vec& s) {
  (void)g;
  const arma::vec a = c % s;
  return arma::accu(s - lambda_diag + (2.0 * lambda_diag - s) % (1.0 - a));
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
template double edlae_objective_from_gu<float>(const arma::vec&, const arma::vec&, const arma::fmat&,
                                              const arma::fmat&, const arma::fmat&);
template double edlae_objective_from_gu<double>(const arma::vec&, const arma::vec&, const arma::mat&,
                                               const arma::mat&, const arma::mat&);
template double linear_ae_objective_from_gu<float>(const arma::vec&, const arma::vec&, const arma::fmat&,
                                                  const arma::fmat&, const arma::fmat&);
template double linear_ae_objective_from_gu<double>(const arma::vec&, const arma::vec&, const arma::mat&,
                                                   const arma::mat&, const arma::mat&);
template double edlae_objective_dense<float>(const arma::Mat<float>&, const arma::vec&, const arma::Mat<float>&);
template double edlae_objective_dense<double>(const arma::Mat<double>&, const arma::vec&, const arma::Mat<double>&);

}  // namespace aelab
