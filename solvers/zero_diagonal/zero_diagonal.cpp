// `zero_diagonal`: the low-rank model with the hard constraint diag(U V^T) = 0 (SPEC 2.3, Figure 1's
// green line) by the ALS of zero_diagonal_als.hpp; at rank "full" the closed form B^ of SPEC 2.2.
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/random_start.hpp"
#include "core/solver/models.hpp"
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
    return "low-rank linear AE with diag(UV^T) = 0 by exact ALS (SPEC 2.3); rank full: EDLAE closed form B^ (2.2)";
  }
  std::vector<ParamSpec> params() const override {
    return {rank_param_spec(), lambda_param_spec(), dropout_param_spec(), epochs_param_spec(10), seed_param_spec()};
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    if (ctx.dtype == Dtype::float32) return fit_typed<float>(ctx, params);
    return fit_typed<double>(ctx, params);
  }

  // Finite rank: the shared C, the Gram matrix and the n x n Hadamard system, plus O(n k) factors.
  // Full rank: the shared C and B^.
  std::size_t memory_estimate(std::size_t n_items, Dtype dtype, const ParamSet& params) const override {
    return iterative_fit_memory(n_items, dtype, params.rank("rank"), 3, 8);
  }

 private:
  template <typename T>
  std::unique_ptr<FittedModel> fit_typed(FitContext& ctx, const ParamSet& params) const {
    const double lambda = params.real("lambda"), p = params.real("p");
    const Rank rank = params.rank("rank");
    if (rank.full) return fit_full_rank_edlae<T>(ctx, lambda, p);

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
    const std::size_t inverse_bytes = inverse_bytes_to_allocate(ctx.linalg, dtype_of<T>(), lambda, p);
    ensure_memory(system_bytes + inverse_bytes + 8 * n * k * sizeof(T),
                  "zero_diagonal at n = " + std::to_string(n) + ", rank " + std::to_string(k) + " (" +
                      dtype_name(dtype_of<T>()) + "; the n x n system (C o K) and the inverse of G + Lambda)",
                  ctx.force_memory);
    arma::Mat<T> workspace(n, n, arma::fill::zeros);
    const SharedInverse<T> inverse = ctx.linalg.inverse<T>(lambda, p, ctx.force_memory);
    Timer epochs_timer;
    auto result = zero_diagonal_als<T>(gram.G(), *inverse.C, ctx.linalg.lambda_diagonal(lambda, p),
                                       gaussian_start<T>(n, k, kReferenceStartStddev, params.integer("seed")),
                                       static_cast<std::size_t>(params.integer("epochs")), ctx.log, &workspace);
    const double epochs_seconds = epochs_timer.seconds();

    auto model = std::make_unique<LowRankModel<T>>(result.U, result.V);
    auto& d = model->diagnostics();
    d["objective"] = result.objective;
    d["dtype"] = dtype_name(dtype_of<T>());
    d["inverse_reused"] = inverse.reused;
    result.trace.finish(result.returned_epoch, 1e-10, d);
    d["seconds"] = {{"gram", gram.seconds()},
                    {"inverse", inverse.reused ? 0.0 : inverse.seconds},
                    {"epochs", epochs_seconds},
                    {"total", total.seconds()}};
    memory.write(d, memory_estimate(n, dtype_of<T>(), params));
    return model;
  }
};

}  // namespace

std::unique_ptr<Solver> make_zero_diagonal_solver() { return std::make_unique<ZeroDiagonalSolver>(); }

}  // namespace aelab
