#pragma once
// The full-rank zero-diagonal EDLAE (EASE when p = 0), SPEC 2.2: B^ = I - C diagMat(1 (/) diag C),
// i.e. B^_ij = -C_ij / C_jj off the diagonal and B^_jj = 0, from C = (G + Lambda)^{-1}.
// The end point of Figure 1's black, red and green lines; shared by zero_diagonal and
// closed_form_approx at rank "full".
#include <armadillo>

namespace aelab {

// Overwrites C (consumed) with B^: columns are divided by -C_jj, the diagonal set to 0 exactly.
template <typename T>
void edlae_full_rank_in_place(arma::Mat<T>& C) {
  for (arma::uword j = 0; j < C.n_cols; ++j) {
    const T scale = T(-1) / C.at(j, j);
    T* column = C.colptr(j);
    for (arma::uword i = 0; i < C.n_rows; ++i) column[i] *= scale;
    column[j] = T(0);
  }
}

// The Eq. 7 objective of B^, from diag(C) alone, O(n). With D = diagMat(1 (/) diag C), SPEC 2.0 gives
// G_L B^ = G_L - D and B^T G_L B^ = G_L - 2D + DCD, and diag(B^) = 0, so with G = G_L - Lambda:
//   tr(G B^) = tr(G_L) - tr(D),   tr(B^T G_L B^) = tr(G_L) - 2 tr(D) + sum_j C_jj / C_jj^2 = tr(G_L) - tr(D),
//   L(B^) = tr(G) - 2 tr(G B^) + tr(B^T G_L B^) = tr(D) - tr(Lambda) = sum_j (1 / C_jj - Lambda_jj).
// Each term 1/C_jj - Lambda_jj >= 0 is item j's squared error left by the others (a Schur complement).
// Call it before edlae_full_rank_in_place consumes C.
inline double edlae_full_rank_objective(const arma::vec& diag_C, const arma::vec& lambda_diag) {
  return arma::accu(1.0 / diag_C - lambda_diag);
}

}  // namespace aelab
