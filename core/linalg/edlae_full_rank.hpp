#pragma once
// The full-rank zero-diagonal EDLAE (EASE when p = 0), docs/MATH.md §2.2: B^ = I - C diagMat(1 (/) diag C),
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

}  // namespace aelab
