#pragma once
// The closed forms of SPEC 2.1 (unconstrained low-rank linear AE) and 2.5 (Algorithm 1) are one
// computation with a different diagonal S:
//   full rank:  W_S = I - C S, C = (G + Lambda)^{-1}
//               (S = Lambda: the ridge solution C G; S = diagMat(1 (/) diag C): B^, zero diagonal);
//   rank k:     Eckart-Young on the stacked Z W_S (SPEC 2.0): V = top-k eigenvectors of
//               W_S^T G_L W_S = G_L - 2S + S C S, U = W_S V, model U V^T.
// This file runs it for a whole rank sweep with one inverse (shared through LinalgCache) and one
// eigendecomposition at the largest rank (the eigenvectors are nested: V_k = first k columns, and
// U_k = W_S V_k = first k columns of U), within two n x n matrices: C and one workspace that holds
// G + Lambda, then the eigen-matrix (formed in place, O(n^2)) for the eigensolver. The Eq. 7
// objectives need G U, which follows from the eigenpairs in O(n k) (see shrinkage_projection.cpp).
#include <string>
#include <vector>

#include "core/solver/solver.hpp"

namespace aelab {

enum class ShrinkageKind {
  lambda,          // S = Lambda: SPEC 2.1, `unconstrained`
  inverse_diagonal // S = diagMat(1 (/) diag C): SPEC 2.5, `closed_form_approx` (full rank: B^)
};

// rank, lambda, p, eigen, eigen_tolerance.
std::vector<ParamSpec> shrinkage_projection_params(const std::string& full_rank_doc);

// Fits every rank of `ranks` (the other parameters from `params`) and hands each model to `sink`,
// finite ranks ascending, then "full". Diagnostics of each model: "objective" (Eq. 7), for
// S = Lambda also "objective_unconstrained" (its own objective, SPEC 2.1), "eigen" {method, gap at
// the cut-off, residual, iterations, ...}, "seconds" per stage, "inverse_reused", "peak_rss_bytes".
void fit_shrinkage_projection(ShrinkageKind kind, FitContext& ctx, const ParamSet& params,
                              const std::vector<Rank>& ranks, const ModelSink& sink);

// Peak bytes of such a fit beyond the training data: C, the workspace (or the dense model at full
// rank), the eigensolver's blocks and the factors of every rank of the sweep.
std::size_t shrinkage_projection_memory(std::size_t n_items, Dtype dtype, const std::vector<Rank>& ranks,
                                        const ParamSet& params);

}  // namespace aelab
