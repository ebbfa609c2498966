#include "solvers/common/shrinkage_projection.hpp"

#include <algorithm>
#include <cmath>

#include "core/linalg/dense_linalg.hpp"
#include "core/linalg/edlae_full_rank.hpp"
#include "core/linalg/eigen.hpp"
#include "core/linalg/linalg_cache.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab {

std::vector<ParamSpec> shrinkage_projection_params(const std::string& full_rank_doc) {
  const double inf = std::numeric_limits<double>::infinity();
  return {
      ranged(param_spec("rank", ParamType::rank, "full", "number of latent dimensions k (\"full\": " + full_rank_doc + ")"),
             1, inf),
      ranged(param_spec("lambda", ParamType::real, 300.0, "uniform L2 weight lambda in Lambda"), 0, inf),
      ranged(param_spec("p", ParamType::real, 0.33, "dropout probability: Lambda = lambda I + p/(1-p) diagMat(g)"), 0, 1,
             true, false),
      choice(param_spec("eigen", ParamType::string, "auto", "top-k eigensolver (auto: chosen from n and k)"),
             {"auto", "arpack", "block", "dense"}),
      ranged(param_spec("eigen_tolerance", ParamType::real, 1e-10,
                        "relative residual every eigenpair must reach (floored at 200 eps of the dtype)"),
             0, 1e-2, false, true),
  };
}

namespace {

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

nlohmann::json json_number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

template <typename T>
class ShrinkageProjection {
 public:
  ShrinkageProjection(ShrinkageKind kind, FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                      const ModelSink& sink)
      : kind_(kind), ctx_(ctx), params_(params), ranks_(ranks), sink_(sink) {}

  void run() {
    const std::size_t n = ctx_.linalg.n_items();
    if (n == 0) throw Error("the training data has no items");
    const SweepPlan plan = plan_sweep(ranks_, n);
    const double lambda = params_.real("lambda"), p = params_.real("p");
    const Dtype dtype = dtype_of<T>();
    lambda_ = ctx_.linalg.lambda_diagonal(lambda, p);
    g_ = ctx_.linalg.item_counts();

    // Memory guard before anything large is allocated: what is held already (a reusable inverse) is
    // not needed again, and a different held inverse is freed before the new one is computed.
    const std::size_t estimate = shrinkage_projection_memory(n, dtype, ranks_, params_);
    const std::size_t held = ctx_.linalg.held_inverse_bytes();
    ensure_memory(estimate > held ? estimate - held : 0,
                  "solver " + solver_name() + " at n = " + std::to_string(n) + " (" + dtype_name(dtype) + ", " +
                      std::to_string(plan.finite.size() + plan.full) + " rank(s))",
                  ctx_.force_memory);
    base_["memory_estimate_bytes"] = estimate;
    base_["dtype"] = dtype_name(dtype);

    Timer stage;
    const SharedInverse<T> inverse = ctx_.linalg.template inverse<T>(lambda, p, ctx_.force_memory);
    const arma::Mat<T>& C = *inverse.C;
    seconds_["inverse"] = inverse.reused ? 0.0 : stage.seconds();
    base_["inverse_reused"] = inverse.reused;
    base_["inverse_seconds_when_computed"] = inverse.seconds;
    const arma::vec c = arma::conv_to<arma::vec>::from(arma::Col<T>(C.diag()));
    s_ = kind_ == ShrinkageKind::lambda ? lambda_ : arma::vec(1.0 / c);
    ctx_.info(solver_name() + ": inverse " + (inverse.reused ? "reused" : "computed") + " (" +
              std::to_string(inverse.seconds) + " s)");

    if (plan.k_max > 0) fit_finite_ranks(plan, C);
    if (plan.full) fit_full_rank(C, c);
  }

 private:
  std::string solver_name() const {
    return kind_ == ShrinkageKind::lambda ? "unconstrained" : "closed_form_approx";
  }

  void fit_finite_ranks(const SweepPlan& plan, const arma::Mat<T>& C) {
    const std::uint64_t k_max = plan.k_max;
    // The workspace (the second n x n matrix): G + Lambda -> eigen-matrix (in place) -> eigensolver.
    Timer stage;
    arma::Mat<T> work;
    ctx_.linalg.gram_into(work);
    work.diag() += arma::conv_to<arma::Col<T>>::from(lambda_);
    seconds_["gram"] = stage.seconds();
    stage.restart();
    shrunk_gram_in_place(work, C, s_);
    seconds_["eigen_matrix"] = stage.seconds();

    EigenOptions options;
    options.method = parse_eigen_method(params_.string("eigen"));
    options.tolerance = params_.real("eigen_tolerance");
    stage.restart();
    const TopEigenpairs<T> eig = top_eigenpairs(work, k_max, options);
    work.reset();
    seconds_["eigen"] = stage.seconds();
    ctx_.info(solver_name() + ": top " + std::to_string(k_max) + " eigenvectors by " + eig.method + " in " +
              std::to_string(eig.seconds) + " s");

    // U = W_S V = V - C (S V): one n^2 k product.
    stage.restart();
    const arma::Mat<T>& V = eig.vectors;
    arma::Mat<T> SV = V;
    SV.each_col() %= arma::conv_to<arma::Col<T>>::from(s_);
    arma::Mat<T> U = V - C * SV;
    SV.reset();
    seconds_["factors"] = stage.seconds();

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
      nlohmann::json diagnostics = base_;
      diagnostics["objective"] = edlae_objective_from_gu(g_, lambda_, Uk, Vk, GUk);
      if (kind_ == ShrinkageKind::lambda)
        diagnostics["objective_unconstrained"] = linear_ae_objective_from_gu(g_, lambda_, Uk, Vk, GUk);
      const double at_cut = static_cast<double>(eig.values[k - 1]);
      const double next = k < k_max ? static_cast<double>(eig.values[k]) : eig.next_value;
      diagnostics["eigen"] = {{"method", eig.method},
                              {"k_computed", k_max},
                              {"value_at_cutoff", at_cut},
                              {"next_value", json_number(next)},
                              {"gap", json_number(at_cut - next)},
                              {"relative_gap", json_number((at_cut - next) / static_cast<double>(eig.values[0]))},
                              {"max_residual", json_number(eig.max_residual)},
                              {"tolerance", json_number(eig.tolerance)},
                              {"iterations", eig.iterations},
                              {"matrix_products", eig.matrix_products},
                              {"block_size", eig.block_size},
                              {"shared_by_ranks", plan.finite.size()}};
      objective_seconds += stage.seconds();
      auto seconds = seconds_;
      seconds["objective"] = objective_seconds;
      auto model = std::make_unique<LowRankModel<T>>(Uk, Vk);
      emit(std::move(model), Rank::of(k), std::move(diagnostics), std::move(seconds));
      objective_seconds = 0;
    }
  }

  void fit_full_rank(const arma::Mat<T>& C, const arma::vec& c) {
    // The dense model is the second n x n matrix (the workspace of the finite ranks is freed).
    Timer stage;
    arma::Mat<T> W = C;
    if (kind_ == ShrinkageKind::inverse_diagonal) {
      edlae_full_rank_in_place(W);  // B^ = I - C diagMat(1 (/) diag C), zero diagonal exactly
    } else {
      W.each_row() %= arma::conv_to<arma::Row<T>>::from(arma::rowvec(-lambda_.t()));  // -C Lambda
      W.diag() += T(1);
    }
    auto seconds = seconds_;
    seconds["factors"] = stage.seconds();
    stage.restart();
    nlohmann::json diagnostics = base_;
    diagnostics["objective"] = edlae_objective_shrinkage_form(g_, lambda_, c, s_);
    if (kind_ == ShrinkageKind::lambda)
      diagnostics["objective_unconstrained"] = linear_ae_objective_shrinkage_form(g_, lambda_, c, s_);
    seconds["objective"] = stage.seconds();
    seconds.erase("eigen_matrix");
    seconds.erase("eigen");
    auto model = std::make_unique<DenseItemModel<T>>(std::move(W));
    emit(std::move(model), Rank::full_rank(), std::move(diagnostics), std::move(seconds));
  }

  void emit(std::unique_ptr<FittedModel> model, Rank rank, nlohmann::json diagnostics, nlohmann::json seconds) {
    seconds["total"] = total_.seconds();
    diagnostics["seconds"] = std::move(seconds);
    diagnostics["peak_rss_bytes"] = peak_rss_bytes();
    model->diagnostics() = std::move(diagnostics);
    sink_(params_.with("rank", rank.to_json()), std::move(model));
  }

  ShrinkageKind kind_;
  FitContext& ctx_;
  const ParamSet& params_;
  const std::vector<Rank>& ranks_;
  const ModelSink& sink_;
  Timer total_;
  arma::vec lambda_, g_, s_;
  nlohmann::json base_ = nlohmann::json::object();
  nlohmann::json seconds_ = {{"gram", 0.0}, {"inverse", 0.0}, {"eigen_matrix", 0.0}, {"eigen", 0.0}};
};

}  // namespace

void fit_shrinkage_projection(ShrinkageKind kind, FitContext& ctx, const ParamSet& params,
                              const std::vector<Rank>& ranks, const ModelSink& sink) {
  if (ranks.empty()) throw Error("no rank to fit");
  if (ctx.dtype == Dtype::float32) ShrinkageProjection<float>(kind, ctx, params, ranks, sink).run();
  else ShrinkageProjection<double>(kind, ctx, params, ranks, sink).run();
}

std::size_t shrinkage_projection_memory(std::size_t n, Dtype dtype, const std::vector<Rank>& ranks,
                                        const ParamSet& params) {
  (void)params;
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

}  // namespace aelab
