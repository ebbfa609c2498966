// `unconstrained`: the low-rank linear autoencoder with dropout-style L2 in closed form (SPEC 2.1,
// Jin et al.; "DLAE"): V = top-k eigenvectors of G C G = G - Lambda + Lambda C Lambda, U = (I - C Lambda) V.
// At p = 0 this is eigen-shrinkage of the top-k right singular vectors of X; at rank "full" it is
// the ridge solution W = I - C Lambda. No zero-diagonal constraint: the blue line of Figure 1.
#include <memory>

#include "solvers/unconstrained/unconstrained.hpp"
#include "solvers/common/shrinkage_projection.hpp"

namespace aelab {

namespace {

class UnconstrainedSolver : public Solver {
 public:
  std::string name() const override { return "unconstrained"; }
  std::string description() const override {
    return "low-rank linear AE with dropout-style L2, closed form (SPEC 2.1): U = (I - C Lambda) V, V = top-k eigenvectors of G C G";
  }
  std::vector<ParamSpec> params() const override {
    return shrinkage_projection_params("the ridge solution I - C Lambda, a dense n x n model");
  }
  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    std::unique_ptr<FittedModel> out;
    fit_shrinkage_projection(ShrinkageKind::lambda, ctx, params, {params.rank("rank")},
                             [&](const ParamSet&, std::unique_ptr<FittedModel> model) { out = std::move(model); });
    return out;
  }
  void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                 const ModelSink& sink) const override {
    fit_shrinkage_projection(ShrinkageKind::lambda, ctx, params, ranks, sink);
  }
  std::size_t memory_estimate(std::size_t n_items, Dtype dtype, const ParamSet& params) const override {
    return shrinkage_projection_memory(n_items, dtype, {params.rank("rank")}, params);
  }
};

}  // namespace

std::unique_ptr<Solver> make_unconstrained_solver() { return std::make_unique<UnconstrainedSolver>(); }

}  // namespace aelab
