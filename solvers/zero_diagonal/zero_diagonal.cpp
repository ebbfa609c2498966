// `zero_diagonal`: the low-rank model with the hard constraint diag(U V^T) = 0 (docs/MATH.md §2.3, Figure 1's
// green line) by the ALS of zero_diagonal_als.hpp; at rank "full" the closed form B^ of docs/MATH.md §2.2.
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/random_start.hpp"
#include "core/solver/models.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/zero_diagonal/zero_diagonal.hpp"
#include "solvers/common/linear_fit_support.hpp"
#include "solvers/zero_diagonal/zero_diagonal_als.hpp"

namespace aelab {

namespace {

class ZeroDiagonalSolver : public Solver {
 public:
  std::string name() const override { return "zero_diagonal"; }
  std::string description() const override {
    return "low-rank linear AE with diag(UV^T) = 0 by exact ALS (docs/MATH.md §2.3); rank full: EDLAE closed form B^ (2.2)";
  }
  std::vector<ParamSpec> params() const override {
    return {rank_param_spec(), lambda_param_spec(), dropout_param_spec(), epochs_param_spec(10),
            seed_param_spec()};
  }
  SolverTraits traits() const override {
    SolverTraits t;
    t.uses_shared_inverse = true;
    t.eq7_model = true;
    t.plot_color = "#2ca02c";
    // B^ at rank full; a finite rank is the ALS, not a closed form.
    t.shrinkage = ShrinkageForm::inverse_diagonal;
    return t;
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    if (ctx.dtype == Dtype::float32) return fit_typed<float>(ctx, params);
    return fit_typed<double>(ctx, params);
  }

  // Finite rank: the shared C, the Gram matrix and the n x n Hadamard system, plus O(n k) factors.
  // Full rank: the shared C and B^.
  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const override {
    return iterative_fit_memory(sizing.n_items, sizing.dtype, params.rank(kRankParam), 3, 8);
  }

 private:
  template <typename T>
  std::unique_ptr<FittedModel> fit_typed(FitContext& ctx, const ParamSet& params) const {
    const Regularizer reg = *standard_regularizer(params);
    const Rank rank = params.rank(kRankParam);
    if (rank.full) return fit_full_rank_edlae(ctx, reg);

    FitMemoryRecord memory;
    Timer total;
    const std::size_t n = ctx.linalg.n_items();
    const std::size_t k = resolve_rank(rank, n, name());
    if (k == 1)
      throw Error("zero_diagonal: rank 1 is degenerate (diag(u v^T) = 0 forces u_j v_j = 0 for every item, so "
                  "from a random start u = 0 is the only feasible point); use rank >= 2");
    const GramAccess<T> gram(ctx.linalg, ctx.force_memory);
    // One guard for what this fit adds besides G (the Hadamard system, the inverse unless cached, the
    // factors) before any n^3 work; the system's buffer is then claimed and touched (so that the kernel
    // really provides it) before the inverse is computed.
    const std::size_t system_bytes = n * n * sizeof(T);
    const std::size_t inverse_bytes = ctx.linalg.inverse_bytes_to_allocate(dtype_of<T>(), reg);
    ensure_memory(system_bytes + inverse_bytes + 8 * n * k * sizeof(T),
                  "zero_diagonal at n = " + std::to_string(n) + ", rank " + std::to_string(k) + " (" +
                      dtype_name(dtype_of<T>()) + "; the n x n system (C o K) and the inverse of G + Lambda)",
                  ctx.force_memory);
    arma::Mat<T> workspace(n, n, arma::fill::zeros);
    const SharedInverse<T> inverse = ctx.linalg.inverse<T>(reg, ctx.force_memory);
    Timer epochs_timer;
    auto result = zero_diagonal_als<T>(gram.G(), *inverse.C, ctx.linalg.lambda_diagonal(reg),
                                       gaussian_start<T>(n, k, kReferenceStartStddev, params.integer("seed")),
                                       static_cast<std::size_t>(params.integer("epochs")), ctx.log, &workspace);
    const double epochs_seconds = epochs_timer.seconds();

    auto model = std::make_unique<LowRankModel<T>>(result.U, result.V);
    FitReport& report = model->report();
    report.objective = result.objective;
    report.dtype = dtype_of<T>();
    report.inverse = InverseUse{inverse.reused, inverse.seconds};
    result.trace.finish(result.returned_epoch, 1e-10, report);
    report.seconds.set("gram", gram.seconds());
    report.seconds.set("inverse", inverse.reused ? 0.0 : inverse.seconds);
    report.seconds.set("epochs", epochs_seconds);
    report.seconds.set("total", total.seconds());
    memory.write(report, memory_estimate({n, dtype_of<T>(), ctx.registry}, params));
    return model;
  }
};

}  // namespace

std::unique_ptr<Solver> make_zero_diagonal_solver() { return std::make_unique<ZeroDiagonalSolver>(); }

}  // namespace aelab
