#pragma once
// The two eigenvector closed forms of docs/MATH.md are one computation with a different diagonal S
// (a small policy, solvers/closed_form/shrinkage.hpp):
//   full rank:  W_S = I - C S, C = (G + Lambda)^{-1}
//   rank k:     Eckart-Young on the stacked Z W_S: V = top-k eigenvectors of W_S^T G_L W_S
//               = G_L - 2S + S C S, U = W_S V, model U V^T.
//  - `unconstrained` (S = Lambda): the low-rank linear AE with dropout-style L2 (DLAE); full rank is
//    the ridge solution I - C Lambda. Figure 1's blue line.
//  - `closed_form_approx` (S = diagMat(1 (/) diag C)): Algorithm 1, the closed-form approximation of
//    low-rank EDLAE; full rank is B^. Figure 1's red line.
// A rank sweep costs one inverse (shared through LinalgCache) and one eigendecomposition at its
// largest rank: the eigenvectors are nested, V_k = first k columns, and U_k = W_S V_k.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_unconstrained_solver();
std::unique_ptr<Solver> make_closed_form_approx_solver();

}  // namespace aelab
