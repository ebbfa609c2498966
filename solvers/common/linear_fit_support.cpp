#include "solvers/common/linear_fit_support.hpp"

#include <limits>

#include "core/linalg/edlae_full_rank.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab {

ParamSpec rank_param_spec() {
  return ranged(param_spec("rank", ParamType::rank, "full",
                           "number of latent dimensions k (<= number of items), or \"full\" for the closed form B^ of "
                           "SPEC 2.2"),
                1, std::numeric_limits<double>::infinity());
}

ParamSpec lambda_param_spec() {
  return ranged(param_spec("lambda", ParamType::real, 300.0,
                           "uniform L2 weight; Lambda = lambda I + p/(1-p) diagMat(g) (SPEC 1)"),
                0, std::numeric_limits<double>::infinity());
}

ParamSpec dropout_param_spec() {
  return ranged(param_spec("p", ParamType::real, 0.33, "dropout probability of the emphasized denoising L2 term (SPEC 1)"),
                0, 1, true, false);
}

ParamSpec epochs_param_spec(std::int64_t default_epochs) {
  return ranged(param_spec("epochs", ParamType::integer, default_epochs,
                           "number of epochs (a fixed count, as in the reference code)"),
                1, std::numeric_limits<double>::infinity());
}

ParamSpec seed_param_spec() {
  return ranged(param_spec("seed", ParamType::integer, 0, "seed of the random start N(0, 1e-4^2)"), 0,
                std::numeric_limits<double>::infinity());
}

std::size_t resolve_rank(const Rank& rank, std::size_t n_items, const std::string& solver) {
  const std::uint64_t k = rank.resolve(n_items);
  if (k > n_items)
    throw Error(solver + ": rank " + std::to_string(k) + " exceeds the number of items " + std::to_string(n_items));
  if (k == 0) throw Error(solver + ": the training data has no items");
  return static_cast<std::size_t>(k);
}

std::size_t iterative_fit_memory(std::size_t n_items, Dtype dtype, const Rank& rank, double squares,
                                 double factors_per_rank) {
  const double n = static_cast<double>(n_items), bytes = static_cast<double>(dtype_bytes(dtype));
  if (rank.full) return static_cast<std::size_t>(2 * n * n * bytes);
  return static_cast<std::size_t>((squares * n * n + factors_per_rank * n * static_cast<double>(rank.k)) * bytes);
}

std::size_t inverse_bytes_to_allocate(const LinalgCache& cache, Dtype dtype, double lambda, double p) {
  if (cache.has_inverse(dtype, lambda, p)) return 0;
  const std::size_t n = cache.n_items(), bytes = n * n * dtype_bytes(dtype), held = cache.held_inverse_bytes();
  return bytes > held ? bytes - held : 0;
}

template <typename T>
GramAccess<T>::GramAccess(LinalgCache& cache, bool force_memory) {
  Timer timer;
  kept_ = cache.pristine_gram<T>();
  if (!kept_) {
    const double n = static_cast<double>(cache.n_items());
    ensure_memory(static_cast<std::size_t>(n * n * sizeof(T)),
                  "a copy of the Gram matrix (" + std::to_string(cache.n_items()) + " x " +
                      std::to_string(cache.n_items()) + " " + dtype_name(dtype_of<T>()) + ")",
                  force_memory);
    cache.gram_into(own_);
  }
  seconds_ = timer.seconds();
}

template <typename T>
std::unique_ptr<FittedModel> fit_full_rank_edlae(FitContext& ctx, double lambda, double p) {
  FitMemoryRecord memory;
  Timer total;
  const std::size_t n = ctx.linalg.n_items();
  const std::size_t model_bytes = n * n * sizeof(T);
  // One guard for everything this fit adds (the inverse unless cached, and B^), before the n^3 work.
  ensure_memory(model_bytes + inverse_bytes_to_allocate(ctx.linalg, dtype_of<T>(), lambda, p),
                "the full-rank model B^ and the inverse of G + Lambda (" + std::to_string(n) + " x " +
                    std::to_string(n) + " " + dtype_name(dtype_of<T>()) + " each)",
                ctx.force_memory);
  const SharedInverse<T> inverse = ctx.linalg.inverse<T>(lambda, p, ctx.force_memory);
  const arma::vec c = arma::conv_to<arma::vec>::from(arma::Col<T>(inverse.C->diag()));
  const arma::vec lambda_diag = ctx.linalg.lambda_diagonal(lambda, p);
  // = sum_j (1 / C_jj - Lambda_jj), O(n)
  const double objective = edlae_objective_shrinkage_form(ctx.linalg.item_counts(), lambda_diag, c, 1.0 / c);
  arma::Mat<T> B = *inverse.C;
  edlae_full_rank_in_place(B);
  auto model = std::make_unique<DenseItemModel<T>>(std::move(B));
  auto& d = model->diagnostics();
  d["objective"] = objective;
  d["dtype"] = dtype_name(dtype_of<T>());
  d["inverse_reused"] = inverse.reused;
  d["seconds"] = {{"inverse", inverse.reused ? 0.0 : inverse.seconds}, {"total", total.seconds()}};
  memory.write(d, 2 * model_bytes);
  return model;
}

FitMemoryRecord::FitMemoryRecord() : reset_(reset_peak_rss()) {}

void FitMemoryRecord::write(nlohmann::json& diagnostics, std::size_t memory_estimate) const {
  diagnostics["peak_rss_bytes"] = peak_rss_bytes();
  diagnostics["peak_rss_scope"] = reset_ ? "fit" : "process";
  diagnostics["memory_estimate_bytes"] = memory_estimate;
}

template class GramAccess<float>;
template class GramAccess<double>;
template std::unique_ptr<FittedModel> fit_full_rank_edlae<float>(FitContext&, double, double);
template std::unique_ptr<FittedModel> fit_full_rank_edlae<double>(FitContext&, double, double);

}  // namespace aelab
