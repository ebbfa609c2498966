#include "solvers/closed_form/closed_form.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/eigen.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/solver/standard_params.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"
#include "solvers/closed_form/shrinkage.hpp"
#include "solvers/common/linear_fit_support.hpp"

namespace aelab {

namespace {

std::vector<ParamSpec> closed_form_params() {
  return {
      rank_param_spec(),
      lambda_param_spec(),
      dropout_param_spec(),
      eigen_param_spec(),
      eigen_tolerance_param_spec(),
  };
}

struct SweepPlan {
  std::vector<std::uint64_t> finite;  // ascending, unique
  bool full = false;
  std::uint64_t k_max = 0;
};

SweepPlan plan_sweep(const std::vector<Rank>& ranks, std::size_t n) {
  SweepPlan plan;
  for (const Rank& r : ranks) {
    if (r.full) {
      plan.full = true;
      continue;
    }
    if (r.k < 1 || r.k > n)
      throw Error("rank: " + std::to_string(r.k) + " exceeds the number of items (" + std::to_string(n) + ")");
    plan.finite.push_back(r.k);
  }
  std::sort(plan.finite.begin(), plan.finite.end());
  plan.finite.erase(std::unique(plan.finite.begin(), plan.finite.end()), plan.finite.end());
  plan.k_max = plan.finite.empty() ? 0 : plan.finite.back();
  return plan;
}

// Eigensolver workspace beyond the n x n matrix: the block method's basis and its products
// (2 n x basis; the plan in core/linalg/eigen_block.cpp keeps basis <= 2.5 (k+1) + 320 for every k),
// the vectors returned, small projected matrices.
std::size_t eigen_bytes(std::size_t n, std::size_t k, std::size_t elem) {
  const std::size_t basis = std::min(n, (5 * (k + 1)) / 2 + 320);
  return elem * (2 * n * basis + n * (k + 1) + 3 * basis * basis);
}

// Peak bytes of a sweep beyond the training data: C, the workspace (or the dense model at full rank),
// the eigensolver's blocks and the factors of every rank of the sweep.
std::size_t closed_form_memory(std::size_t n, Dtype dtype, const std::vector<Rank>& ranks) {
  const std::size_t elem = dtype_bytes(dtype);
  const SweepPlan plan = plan_sweep(ranks, std::max<std::size_t>(n, 1));
  // The models handed out (U^T and V per rank) may be kept by the caller until the sweep ends.
  std::size_t models = 0;
  for (auto k : plan.finite) models += elem * 2 * n * k;
  std::size_t finite_bytes = 0;
  if (plan.k_max > 0) {
    // Workspace, eigensolver, then U, G U, S V and the eigenvectors (4 n k), the objective's double
    // copies (U, V, G U, P: 4 n k).
    finite_bytes = elem * (n * n + 4 * n * plan.k_max) + eigen_bytes(n, plan.k_max, elem) +
                   sizeof(double) * 4 * n * plan.k_max;
  }
  const std::size_t full_bytes = plan.full ? elem * n * n : 0;
  // C, then the larger of the two phases (the finite-rank workspace is freed before the dense model).
  return elem * n * n + models + std::max(finite_bytes, full_bytes);
}

double finite_or_nan(double x) { return std::isfinite(x) ? x : std::numeric_limits<double>::quiet_NaN(); }

template <typename Shrinkage, typename T>
class ClosedFormFit {
 public:
  ClosedFormFit(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks, const ModelSink& sink)
      : ctx_(ctx), params_(params), ranks_(ranks), sink_(sink), reg_(*standard_regularizer(params)) {}

  void run() {
    const std::size_t n = ctx_.linalg.n_items();
    if (n == 0) throw Error("the training data has no items");
    const SweepPlan plan = plan_sweep(ranks_, n);
    lambda_ = ctx_.linalg.lambda_diagonal(reg_);
    g_ = ctx_.linalg.item_counts();
    guard_memory(n, plan);
    if (plan.k_max == 0 && Shrinkage::full_rank_is_edlae) {
      // Only B^: the builder may then build it in the cache's own C when memory is tight.
      fit_full_rank_edlae_model();
      return;
    }

    Timer stage;
    const SharedInverse<T> inverse = ctx_.linalg.template inverse<T>(reg_, ctx_.force_memory);
    seconds_.set("inverse", inverse.reused ? 0.0 : stage.seconds());
    base_.inverse = InverseUse{inverse.reused, inverse.seconds};
    const arma::vec c = arma::conv_to<arma::vec>::from(arma::Col<T>(inverse.C->diag()));
    s_ = Shrinkage::diagonal(lambda_, c);
    ctx_.info(std::string(Shrinkage::name) + ": inverse " + (inverse.reused ? "reused" : "computed") + " (" +
              std::to_string(inverse.seconds) + " s)");

    if (plan.k_max > 0) fit_finite_ranks(plan, *inverse.C);
    if (plan.full && !stopped_) fit_full_rank(*inverse.C, c);
  }

 private:
  // Before anything large is allocated: what is held already (a reusable inverse) is not needed
  // again, and a different held inverse is freed before the new one is computed.
  void guard_memory(std::size_t n, const SweepPlan& plan) {
    const std::size_t estimate = closed_form_memory(n, dtype_of<T>(), ranks_);
    const std::size_t held = ctx_.linalg.held_inverse_bytes();
    ensure_memory(estimate > held ? estimate - held : 0,
                  std::string("solver ") + Shrinkage::name + " at n = " + std::to_string(n) + " (" +
                      dtype_name(dtype_of<T>()) + ", " + std::to_string(plan.finite.size() + plan.full) + " rank(s))",
                  ctx_.force_memory);
    base_.memory_estimate_bytes = estimate;
    base_.dtype = dtype_of<T>();
  }

  // The eigenpairs of the eigen-matrix at the largest rank, formed in the second n x n matrix
  // (G + Lambda, then W_S^T G_L W_S in place in O(n^2)).
  TopEigenpairs<T> eigenpairs(std::uint64_t k_max, const arma::Mat<T>& C) {
    Timer stage;
    arma::Mat<T> work;
    ctx_.linalg.gram_into(work);
    work.diag() += arma::conv_to<arma::Col<T>>::from(lambda_);
    seconds_.set("gram", stage.seconds());
    stage.restart();
    shrunk_gram_in_place(work, C, s_);
    seconds_.set("eigen_matrix", stage.seconds());
    const EigenOptions options = standard_eigen_options(params_);
    stage.restart();
    TopEigenpairs<T> eig = top_eigenpairs(work, k_max, options);
    seconds_.set("eigen", stage.seconds());
    ctx_.info(std::string(Shrinkage::name) + ": top " + std::to_string(k_max) + " eigenvectors by " + eig.method +
              " in " + std::to_string(eig.seconds) + " s");
    return eig;
  }

  void fit_finite_ranks(const SweepPlan& plan, const arma::Mat<T>& C) {
    const TopEigenpairs<T> eig = eigenpairs(plan.k_max, C);
    // U = W_S V = V - C (S V): one n^2 k product.
    Timer stage;
    const arma::Mat<T>& V = eig.vectors;
    arma::Mat<T> SV = V;
    SV.each_col() %= arma::conv_to<arma::Col<T>>::from(s_);
    const arma::Mat<T> U = V - C * SV;
    SV.reset();
    seconds_.set("factors", stage.seconds());

    // Eq. 7 needs G U. With M V = V Theta (the eigenpairs) and C S V = V - U (the factor step):
    //   G_L V = M V + 2 S V - S C S V = V Theta + S V + S U,  G U = G_L U - Lambda U = G_L V - S V - Lambda U,
    // so G U = V Theta + (S - Lambda) U: O(n k), no Gram copy and no n^2 k product; exact up to the
    // eigen residual M V - V Theta (below the tolerance). For S = Lambda it is G C G V = V Theta.
    stage.restart();
    arma::Mat<T> GU = V * arma::diagmat(eig.values);
    GU += U.each_col() % arma::conv_to<arma::Col<T>>::from(s_ - lambda_);
    double objective_seconds = stage.seconds();

    for (std::uint64_t k : plan.finite) {
      stage.restart();
      const arma::Mat<T> Uk = U.cols(0, k - 1), Vk = V.cols(0, k - 1), GUk = GU.cols(0, k - 1);
      auto model = std::make_unique<LowRankModel<T>>(Uk, Vk);
      FitReport& report = model->report();
      report = base_;
      report.objective = edlae_objective_from_gu(g_, lambda_, Uk, Vk, GUk);
      if (Shrinkage::reports_own_objective)
        report.fact("objective_unconstrained", linear_ae_objective_from_gu(g_, lambda_, Uk, Vk, GUk));
      report.eigen = eigen_report(eig, k, plan);
      objective_seconds += stage.seconds();
      StageSeconds seconds = seconds_;
      seconds.set("objective", objective_seconds);
      if (!emit(std::move(model), Rank::of(k), std::move(seconds))) return;
      objective_seconds = 0;
    }
  }

  EigenReport eigen_report(const TopEigenpairs<T>& eig, std::uint64_t k, const SweepPlan& plan) const {
    EigenReport e;
    e.method = eig.method;
    e.k_computed = plan.k_max;
    e.value_at_cutoff = static_cast<double>(eig.values[k - 1]);
    e.next_value = finite_or_nan(k < plan.k_max ? static_cast<double>(eig.values[k]) : eig.next_value);
    e.gap = e.value_at_cutoff - e.next_value;
    e.relative_gap = e.gap / static_cast<double>(eig.values[0]);
    e.max_residual = finite_or_nan(eig.max_residual);
    e.tolerance = eig.tolerance;
    e.iterations = eig.iterations;
    e.matrix_products = eig.matrix_products;
    e.block_size = eig.block_size;
    e.shared_by_ranks = plan.finite.size();
    return e;
  }

  void fit_full_rank_edlae_model() {
    std::unique_ptr<FittedModel> model = fit_full_rank_edlae(ctx_, reg_);
    StageSeconds seconds = seconds_;
    const StageSeconds& own = model->report().seconds;
    if (!seconds.get("inverse")) seconds.set("inverse", own.get("inverse").value_or(0.0));
    seconds.set("factors", own.get("model").value_or(0.0));
    seconds.set("objective", own.get("objective").value_or(0.0));
    seconds.erase("eigen_matrix");
    seconds.erase("eigen");
    model->report().memory_estimate_bytes = base_.memory_estimate_bytes;
    emit(std::move(model), Rank::full_rank(), std::move(seconds));
  }

  void fit_full_rank(const arma::Mat<T>& C, const arma::vec& c) {
    if constexpr (Shrinkage::full_rank_is_edlae) {
      (void)C, (void)c;
      fit_full_rank_edlae_model();
    } else {
      // W = I - C Lambda: the dense model is the second n x n matrix (the finite-rank workspace is freed).
      Timer stage;
      arma::Mat<T> W = C;
      W.each_row() %= arma::conv_to<arma::Row<T>>::from(arma::rowvec(-lambda_.t()));
      W.diag() += T(1);
      StageSeconds seconds = seconds_;
      seconds.set("factors", stage.seconds());
      stage.restart();
      auto model = std::make_unique<DenseItemModel<T>>(std::move(W));
      FitReport& report = model->report();
      report = base_;
      report.objective = edlae_objective_shrinkage_form(g_, lambda_, c, s_);
      report.fact("objective_unconstrained", linear_ae_objective_shrinkage_form(g_, lambda_, c, s_));
      seconds.set("objective", stage.seconds());
      seconds.erase("eigen_matrix");
      seconds.erase("eigen");
      emit(std::move(model), Rank::full_rank(), std::move(seconds));
    }
  }

  bool emit(std::unique_ptr<FittedModel> model, Rank rank, StageSeconds seconds) {
    seconds.set("total", total_.seconds());
    FitReport& report = model->report();
    report.seconds = std::move(seconds);
    report.peak_rss_bytes = peak_rss_bytes();
    stopped_ = !sink_(params_.with(kRankParam, rank), std::move(model));
    return !stopped_;
  }

  FitContext& ctx_;
  const ParamSet& params_;
  const std::vector<Rank>& ranks_;
  const ModelSink& sink_;
  const Regularizer reg_;
  Timer total_;
  arma::vec lambda_, g_, s_;
  FitReport base_;
  StageSeconds seconds_;
  bool stopped_ = false;
};

template <typename Shrinkage>
class ClosedFormSolver : public Solver {
 public:
  std::string name() const override { return Shrinkage::name; }
  std::string description() const override {
    return std::string(Shrinkage::description) + "; rank full: " + Shrinkage::full_rank;
  }
  std::vector<ParamSpec> params() const override { return closed_form_params(); }
  SolverTraits traits() const override { return Shrinkage::traits(); }

  std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const override {
    std::unique_ptr<FittedModel> out;
    fit_ranks(ctx, params, {params.rank(kRankParam)}, [&](const ParamSet&, std::unique_ptr<FittedModel> model) {
      out = std::move(model);
      return true;
    });
    return out;
  }

  void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                 const ModelSink& sink) const override {
    if (ranks.empty()) throw Error("no rank to fit");
    if (ctx.dtype == Dtype::float32) ClosedFormFit<Shrinkage, float>(ctx, params, ranks, sink).run();
    else ClosedFormFit<Shrinkage, double>(ctx, params, ranks, sink).run();
  }

  std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const override {
    return closed_form_memory(sizing.n_items, sizing.dtype, {params.rank(kRankParam)});
  }
};

}  // namespace

std::unique_ptr<Solver> make_unconstrained_solver() { return std::make_unique<ClosedFormSolver<RidgeShrinkage>>(); }

std::unique_ptr<Solver> make_closed_form_approx_solver() {
  return std::make_unique<ClosedFormSolver<ZeroDiagonalShrinkage>>();
}

}  // namespace aelab
