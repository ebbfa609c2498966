// `admm`: low-rank EDLAE (SPEC Eq. 7) by the ADMM of the EDLAE code (SPEC 2.4, Figure 1's black line),
// updates in admm_updates.hpp; at rank "full" the closed form B^ of SPEC 2.2.
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/random_start.hpp"
#include "core/solver/models.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/admm/admm.hpp"
#include "solvers/admm/admm_updates.hpp"
#include "solvers/common/linear_fit_support.hpp"

namespace aelab {

namespace {

class AdmmSolver : public Solver {
 public:
  std::string name() const override { return "admm"; }
  std::string description() const override {
    return "low-rank EDLAE (Eq. 7) by the published ADMM updates (SPEC 2.4); rank full: closed form B^ (2.2)";
  }
  std::vector<ParamSpec> params() const override {
    ParamSpec omega;
    omega.name = "omega";
    omega.type = ParamType::real;
    omega.default_value = 500.0;
    omega.min = 0.0;
    omega.min_inclusive = false;
    omega.doc = "ADMM penalty added to diag(Lambda): Omega = diag(Lambda) + omega";
    ParamSpec keep_best;
    keep_best.name = "keep_best";
    keep_best.type = ParamType::boolean;
    keep_best.default_value = false;
    keep_best.doc = "return the epoch of lowest Eq. 7 objective; false: the last epoch, as the published code does";
    return {rank_param_spec(), lambda_param_spec(), dropout_param_spec(), omega, epochs_param_spec(10),
            seed_param_spec(), keep_best};
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    AdmmModels models = fit_both(ctx, params);
    if (params.boolean("keep_best") && models.best) return std::move(models.best);
    return std::move(models.last);
  }

  AdmmModels fit_both(FitContext& ctx, const ParamSet& params) const {
    if (ctx.dtype == Dtype::float32) return fit_typed<float>(ctx, params);
    return fit_typed<double>(ctx, params);
  }

  // The shared P = C and the Gram matrix, plus about fourteen n x k factors and products (the last
  // and the best iterate included).
  std::size_t memory_estimate(std::size_t n_items, Dtype dtype, const ParamSet& params) const override {
    return iterative_fit_memory(n_items, dtype, params.rank("rank"), 2, 14);
  }

 private:
  template <typename T>
  AdmmModels fit_typed(FitContext& ctx, const ParamSet& params) const {
    const double lambda = params.real("lambda"), p = params.real("p");
    const Rank rank = params.rank("rank");
    if (rank.full) return AdmmModels{fit_full_rank_edlae<T>(ctx, lambda, p), nullptr};

    FitMemoryRecord memory;
    Timer total;
    const std::size_t n = ctx.linalg.n_items();
    const std::size_t k = resolve_rank(rank, n, name());
    const GramAccess<T> gram(ctx.linalg, ctx.force_memory);
    ensure_memory(inverse_bytes_to_allocate(ctx.linalg, dtype_of<T>(), lambda, p) + 14 * n * k * sizeof(T),
                  "admm at n = " + std::to_string(n) + ", rank " + std::to_string(k) + " (" +
                      dtype_name(dtype_of<T>()) + "; the inverse of G + Lambda and the factors)",
                  ctx.force_memory);
    const SharedInverse<T> inverse = ctx.linalg.inverse<T>(lambda, p, ctx.force_memory);
    Timer epochs_timer;
    AdmmResult<T> result = run_admm<T>(gram.G(), *inverse.C, ctx.linalg.lambda_diagonal(lambda, p),
                                       params.real("omega"),
                                       gaussian_start<T>(n, k, kReferenceStartStddev, params.integer("seed")),
                                       static_cast<std::size_t>(params.integer("epochs")), ctx.log);
    const double epochs_seconds = epochs_timer.seconds();
    const nlohmann::json seconds = {{"gram", gram.seconds()},
                                    {"inverse", inverse.reused ? 0.0 : inverse.seconds},
                                    {"epochs", epochs_seconds},
                                    {"total", total.seconds()}};
    const auto make_model = [&](bool keep_best) {
      const AdmmIterate<T>& iterate = result.iterate(keep_best);
      auto model = std::make_unique<LowRankModel<T>>(iterate.U, iterate.V);
      auto& d = model->diagnostics();
      d["objective"] = iterate.objective;
      d["dtype"] = dtype_name(dtype_of<T>());
      d["inverse_reused"] = inverse.reused;
      IterationTrace trace = result.trace;  // finish() adds warnings: one copy per model
      if (result.failed_epoch != 0)
        trace.stop(result.failed_epoch, result.failure + "; returning epoch " + std::to_string(iterate.epoch));
      // The published ADMM is not monotone: any rise is reported (relative tolerance 1e-12).
      trace.finish(iterate.epoch, 1e-12, d);
      d["seconds"] = seconds;
      memory.write(d, memory_estimate(n, dtype_of<T>(), params));
      return model;
    };
    AdmmModels models;
    models.last = make_model(false);
    models.best = make_model(true);
    return models;
  }
};

}  // namespace

std::unique_ptr<Solver> make_admm_solver() { return std::make_unique<AdmmSolver>(); }

AdmmModels fit_admm_last_and_best(FitContext& ctx, const ParamSet& params) {
  return AdmmSolver().fit_both(ctx, params);
}

}  // namespace aelab
