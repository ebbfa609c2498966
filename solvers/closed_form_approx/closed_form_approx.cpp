// `closed_form_approx`: Algorithm 1 of the seed paper (SPEC 2.5), the closed-form approximation of the
// low-rank EDLAE: B^ = I - C D (D = diagMat(1 (/) diag C)), V = top-k eigenvectors of
// B^T (G + Lambda) B^ = (G + Lambda) - 2D + D C D, U = B^ V. At rank "full" it is B^ itself, the
// full-rank zero-diagonal EDLAE (EASE at p = 0), computed by core/linalg/edlae_full_rank.hpp exactly as
// `zero_diagonal` does. The red line of Figure 1.
#include <memory>

#include "solvers/closed_form_approx/closed_form_approx.hpp"
#include "solvers/common/shrinkage_projection.hpp"

namespace aelab {

namespace {

class ClosedFormApproxSolver : public Solver {
 public:
  std::string name() const override { return "closed_form_approx"; }
  std::string description() const override {
    return "Algorithm 1 (SPEC 2.5): rank-k projection of the full-rank zero-diagonal EDLAE B^ onto the top-k eigenvectors of B^T (G + Lambda) B^";
  }
  std::vector<ParamSpec> params() const override {
    return shrinkage_projection_params("B^, the full-rank zero-diagonal EDLAE, a dense n x n model");
  }
  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    std::unique_ptr<FittedModel> out;
    fit_shrinkage_projection(ShrinkageKind::inverse_diagonal, ctx, params, {params.rank("rank")},
                             [&](const ParamSet&, std::unique_ptr<FittedModel> model) { out = std::move(model); });
    return out;
  }
  void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                 const ModelSink& sink) const override {
    fit_shrinkage_projection(ShrinkageKind::inverse_diagonal, ctx, params, ranks, sink);
  }
  std::size_t memory_estimate(std::size_t n_items, Dtype dtype, const ParamSet& params) const override {
    return shrinkage_projection_memory(n_items, dtype, {params.rank("rank")}, params);
  }
};

}  // namespace

std::unique_ptr<Solver> make_closed_form_approx_solver() { return std::make_unique<ClosedFormApproxSolver>(); }

}  // namespace aelab
