#include "solvers/common/linear_fit_support.hpp"

#include "core/linalg/edlae_full_rank.hpp"
#include "core/linalg/objective.hpp"
#include "core/solver/models.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"
#include "core/util/timer.hpp"

namespace aelab {

std::size_t resolve_rank(const Rank& rank, std::size_t n_items, const std::string& solver) {
  const std::uint64_t k = rank.resolve(n_items);
  if (k > n_items)
    throw Error(solver + ": rank " + std::to_string(k) + " exceeds the number of items " + std::to_string(n_items));
  if (k == 0) throw Error(solver + ": the training data has no items");
  return static_cast<std::size_t>(k);
}

std::size_t full_rank_edlae_memory(std::size_t n_items, Dtype dtype) {
  return 2 * n_items * n_items * dtype_bytes(dtype);
}

std::size_t iterative_fit_memory(std::size_t n_items, Dtype dtype, const Rank& rank, double squares,
                                 double factors_per_rank) {
  if (rank.full) return full_rank_edlae_memory(n_items, dtype);
  const double n = static_cast<double>(n_items), bytes = static_cast<double>(dtype_bytes(dtype));
  return static_cast<std::size_t>((squares * n * n + factors_per_rank * n * static_cast<double>(rank.k)) * bytes);
}

template <typename T>
GramAccess<T>::GramAccess(LinalgCache& cache, bool force_memory) {
  Timer timer;
  kept_ = cache.pristine_gram<T>();
  if (!kept_) {
    const std::size_t n = cache.n_items();
    ensure_memory(n * n * sizeof(T),
                  "a copy of the Gram matrix (" + std::to_string(n) + " x " + std::to_string(n) + " " +
                      dtype_name(dtype_of<T>()) + ")",
                  force_memory);
    cache.gram_into(own_);
  }
  seconds_ = timer.seconds();
}

namespace {

template <typename T>
std::unique_ptr<FittedModel> full_rank_edlae(FitContext& ctx, const Regularizer& reg) {
  FitMemoryRecord memory;
  Timer total;
  const std::size_t n = ctx.linalg.n_items();
  const std::size_t square = n * n * sizeof(T);
  // One guard before the n^3 work: the inverse unless cached, and B^ unless it is built in place.
  const std::size_t to_allocate = ctx.linalg.inverse_bytes_to_allocate(dtype_of<T>(), reg);
  const bool tight = static_cast<double>(to_allocate + square) > 0.9 * static_cast<double>(available_memory_bytes());
  ensure_memory(to_allocate + (tight ? 0 : square),
                "the full-rank model B^ and the inverse of G + Lambda (" + std::to_string(n) + " x " +
                    std::to_string(n) + " " + dtype_name(dtype_of<T>()) + ")",
                ctx.force_memory);
  bool reused = false;
  double inverse_seconds = 0;
  Timer stage;
  arma::Mat<T> B = ctx.linalg.inverse_to_consume<T>(reg, ctx.force_memory, reused, inverse_seconds);
  const double obtain_seconds = stage.seconds();
  stage.restart();
  const arma::vec c = arma::conv_to<arma::vec>::from(arma::Col<T>(B.diag()));
  // Eq. 7 of B^ = sum_j (1 / C_jj - Lambda_jj), in O(n) (docs/MATH.md, "Full-rank EDLAE").
  const double objective =
      edlae_objective_shrinkage_form(ctx.linalg.item_counts(), ctx.linalg.lambda_diagonal(reg), c, 1.0 / c);
  const double objective_seconds = stage.seconds();
  stage.restart();
  edlae_full_rank_in_place(B);
  auto model = std::make_unique<DenseItemModel<T>>(std::move(B));
  FitReport& report = model->report();
  report.dtype = dtype_of<T>();
  report.objective = objective;
  report.inverse = InverseUse{reused, inverse_seconds};
  report.seconds.set("inverse", reused ? 0.0 : inverse_seconds);
  report.seconds.set("model", stage.seconds() + (reused ? obtain_seconds : obtain_seconds - inverse_seconds));
  report.seconds.set("objective", objective_seconds);
  report.seconds.set("total", total.seconds());
  memory.write(report, full_rank_edlae_memory(n, dtype_of<T>()));
  return model;
}

}  // namespace

std::unique_ptr<FittedModel> fit_full_rank_edlae(FitContext& ctx, const Regularizer& reg) {
  if (ctx.dtype == Dtype::float32) return full_rank_edlae<float>(ctx, reg);
  return full_rank_edlae<double>(ctx, reg);
}

FitMemoryRecord::FitMemoryRecord() : reset_(reset_peak_rss()) {}

void FitMemoryRecord::write(FitReport& report, std::size_t memory_estimate) const {
  report.peak_rss_bytes = peak_rss_bytes();
  report.peak_rss_of_fit = reset_;
  report.memory_estimate_bytes = memory_estimate;
}

template class GramAccess<float>;
template class GramAccess<double>;

}  // namespace aelab
