// How a researcher adds a solver without touching aelab: implement aelab::Solver, add it to a
// Registry next to the built-ins, and use it like any other (here: fit and evaluate on a tiny split).
//
// The example solver is item-item cosine similarity, W_ij = G_ij / sqrt(g_i g_j) off the diagonal.
#include <cmath>
#include <iostream>

#include "core/eval/metrics.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/solver/models.hpp"
#include "solvers/builtin.hpp"

namespace {

class CosineSolver : public aelab::Solver {
 public:
  std::string name() const override { return "item_cosine"; }
  std::string description() const override { return "item-item cosine similarity (example plugin)"; }
  std::vector<aelab::ParamSpec> params() const override {
    aelab::ParamSpec shrink;
    shrink.name = "shrink";
    shrink.type = aelab::ParamType::real;
    shrink.default_value = 0.0;
    shrink.min = 0.0;
    shrink.doc = "added to the norm product in the denominator";
    return {shrink};
  }
  std::unique_ptr<aelab::FittedModel> fit(aelab::FitContext& ctx, const aelab::ParamSet& params) const override {
    arma::mat G;
    ctx.linalg.gram_into(G);
    const arma::vec norms = arma::sqrt(G.diag());
    arma::mat W = G / (norms * norms.t() + params.real("shrink") + 1e-12);
    W.diag().zeros();
    return std::make_unique<aelab::DenseItemModel<double>>(std::move(W));
  }
};

}  // namespace

int main() {
  aelab::Registry registry;
  aelab::register_builtin_solvers(registry);
  registry.add(std::make_unique<CosineSolver>());

  // A toy split: users who like the first half of the items, and users who like the second half.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> train, fold, held;
  for (std::uint32_t u = 0; u < 40; ++u)
    for (std::uint32_t j = 0; j < 10; ++j)
      if ((u + j) % 3 != 0) train.emplace_back(u, (u % 2) * 10 + j);
  for (std::uint32_t u = 0; u < 4; ++u) {
    fold.emplace_back(u, (u % 2) * 10 + 0);
    fold.emplace_back(u, (u % 2) * 10 + 1);
    held.emplace_back(u, (u % 2) * 10 + 5);
  }
  aelab::SplitData split;
  split.train = aelab::BinaryCsr::from_pairs(40, 20, train);
  split.test.fold_in = aelab::BinaryCsr::from_pairs(4, 20, fold);
  split.test.held_out = aelab::BinaryCsr::from_pairs(4, 20, held);
  split.test.uids = {40, 41, 42, 43};

  aelab::LinalgCache cache(split.train);
  aelab::FitContext ctx(cache);
  ctx.registry = &registry;  // solvers that build on others look them up in this registry
  for (const std::string& name : {std::string("item_cosine"), std::string("popularity")}) {
    const aelab::SolverSpec spec = aelab::parse_solver_spec(registry, name);
    const auto model = spec.solver->fit(ctx, spec.params);
    const auto result = aelab::evaluate(*model, split.test, aelab::default_metrics());
    std::cout << spec.str() << ": ndcg@100 = " << result.summary("ndcg@100").mean << "\n";
  }
  return 0;
}
