// `admm`: low-rank EDLAE (docs/MATH.md Eq. 7) by the ADMM of the EDLAE code (docs/MATH.md §2.4, Figure 1's black line),
// updates in admm_updates.hpp; at rank "full" the closed form B^ of docs/MATH.md §2.2.
#include <limits>
#include <memory>

#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/random_start.hpp"
#include "core/solver/models.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/admm/admm.hpp"
#include "solvers/admm/admm_updates.hpp"
#include "solvers/common/linear_fit_support.hpp"

namespace aelab {

namespace {

struct AdmmModels {
  std::unique_ptr<FittedModel> last, best;  // best is null at rank "full" (no iterations)
};

class AdmmSolver : public Solver {
 public:
  std::string name() const override { return "admm"; }
  std::string description() const override {
    return "low-rank EDLAE (Eq. 7) by the published ADMM updates; rank full: the closed form B^";
  }
  std::vector<ParamSpec> params() const override {
    return {rank_param_spec(),
            lambda_param_spec(),
            dropout_param_spec(),
            ranged(param_spec("omega", ParamType::real, 500.0,
                              "ADMM penalty added to diag(Lambda): Omega = diag(Lambda) + omega"),
                   0, std::numeric_limits<double>::infinity(), false),
            epochs_param_spec(10),
            seed_param_spec(),
            param_spec("keep_best", ParamType::boolean, false,
                       "return the epoch of lowest Eq. 7 objective; false: the last epoch, as the published code does")};
  }
  SolverTraits traits() const override {
    SolverTraits t;
    t.uses_shared_inverse = true;
    t.eq7_model = true;
    t.variant_params = {"keep_best"};
    t.plot_color = "#000000";
    return t;
  }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    AdmmModels models = fit_both(ctx, params);
    if (params.boolean("keep_best") && models.best) return std::move(models.best);
    return std::move(models.last);
  }

  // The last and the best iterate, labelled admm_last and admm_best, each with the keep_best value
  // that gives it alone; at rank "full" both are the one closed-form model.
  std::vector<VariantSpec> variants(const ParamSet& params) const override {
    return {{"admm_last", params.with("keep_best", false), ""}, {"admm_best", params.with("keep_best", true), "#8c564b"}};
  }
  std::vector<std::shared_ptr<FittedModel>> fit_variants(FitContext& ctx, const ParamSet& params) const override {
    AdmmModels models = fit_both(ctx, params);
    std::shared_ptr<FittedModel> last(std::move(models.last));
    std::shared_ptr<FittedModel> best = models.best ? std::shared_ptr<FittedModel>(std::move(models.best)) : last;
    return {last, best};
  }

  // The shared P = C and the Gram matrix, plus about fourteen n x k factors and products (the last
  // and the best iterate included).
  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const override {
    return iterative_fit_memory(sizing.n_items, sizing.dtype, params.rank(kRankParam), 2, 14);
  }

 private:
  AdmmModels fit_both(FitContext& ctx, const ParamSet& params) const {
    if (ctx.dtype == Dtype::float32) return fit_typed<float>(ctx, params);
    return fit_typed<double>(ctx, params);
  }

  template <typename T>
  AdmmModels fit_typed(FitContext& ctx, const ParamSet& params) const {
    const Regularizer reg = *standard_regularizer(params);
    const Rank rank = params.rank(kRankParam);
    if (rank.full) return AdmmModels{fit_full_rank_edlae(ctx, reg), nullptr};

    FitMemoryRecord memory;
    Timer total;
    const std::size_t n = ctx.linalg.n_items();
    const std::size_t k = resolve_rank(rank, n, name());
    const GramAccess<T> gram(ctx.linalg, ctx.force_memory);
    ensure_memory(ctx.linalg.inverse_bytes_to_allocate(dtype_of<T>(), reg) + 14 * n * k * sizeof(T),
                  "admm at n = " + std::to_string(n) + ", rank " + std::to_string(k) + " (" +
                      dtype_name(dtype_of<T>()) + "; the inverse of G + Lambda and the factors)",
                  ctx.force_memory);
    const SharedInverse<T> inverse = ctx.linalg.inverse<T>(reg, ctx.force_memory);
    Timer epochs_timer;
    AdmmResult<T> result = run_admm<T>(gram.G(), *inverse.C, ctx.linalg.lambda_diagonal(reg), params.real("omega"),
                                       gaussian_start<T>(n, k, kReferenceStartStddev, params.integer("seed")),
                                       static_cast<std::size_t>(params.integer("epochs")), ctx.log);
    const double epochs_seconds = epochs_timer.seconds();
    const auto make_model = [&](bool keep_best) {
      const AdmmIterate<T>& iterate = result.iterate(keep_best);
      auto model = std::make_unique<LowRankModel<T>>(iterate.U, iterate.V);
      FitReport& report = model->report();
      report.objective = iterate.objective;
      report.dtype = dtype_of<T>();
      report.inverse = InverseUse{inverse.reused, inverse.seconds};
      IterationTrace trace = result.trace;  // finish() adds warnings: one copy per model
      if (result.failed_epoch != 0)
        trace.stop(result.failed_epoch, result.failure + "; returning epoch " + std::to_string(iterate.epoch));
      // The published ADMM is not monotone: any rise is reported (relative tolerance 1e-12).
      trace.finish(iterate.epoch, 1e-12, report);
      report.seconds.set("gram", gram.seconds());
      report.seconds.set("inverse", inverse.reused ? 0.0 : inverse.seconds);
      report.seconds.set("epochs", epochs_seconds);
      report.seconds.set("total", total.seconds());
      memory.write(report, memory_estimate({n, dtype_of<T>(), ctx.registry}, params));
      return model;
    };
    return AdmmModels{make_model(false), make_model(true)};
  }
};

}  // namespace

std::unique_ptr<Solver> make_admm_solver() { return std::make_unique<AdmmSolver>(); }

}  // namespace aelab
