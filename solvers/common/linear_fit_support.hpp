#pragma once
// What the linear-autoencoder plugins share: the full-rank zero-diagonal model B^ (the end point of
// every Figure-1 line, docs/MATH.md "Full-rank EDLAE"), access to the pristine Gram matrix with its
// memory guard, the memory estimate of an iterative fit, and the peak-memory record of a report.
#include <cstdint>
#include <memory>
#include <string>

#include <armadillo>

#include "core/linalg/linalg_cache.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

// k for `rank` on n items; throws aelab::Error("<solver>: rank k exceeds the number of items n").
std::size_t resolve_rank(const Rank& rank, std::size_t n_items, const std::string& solver);

// Memory of an iterative linear fit at finite rank k: `squares` dense n x n matrices plus
// `factors_per_rank` n x k matrices (factors, products, kept iterates); at rank "full", what the
// full-rank model B^ needs (full_rank_edlae_memory).
std::size_t iterative_fit_memory(std::size_t n_items, Dtype dtype, const Rank& rank, double squares,
                                 double factors_per_rank);

// Peak bytes of fit_full_rank_edlae: the inverse C and the model B^ (two n x n matrices), or one
// when memory is tight and B^ is built in the cache's own C (LinalgCache::inverse_to_consume).
std::size_t full_rank_edlae_memory(std::size_t n_items, Dtype dtype);

// The pristine Gram matrix G in precision T: the cache's kept copy when it keeps one, otherwise an
// own copy (guarded by ensure_memory unless force_memory).
template <typename T>
class GramAccess {
 public:
  GramAccess(LinalgCache& cache, bool force_memory);
  const arma::Mat<T>& G() const { return kept_ ? *kept_ : own_; }
  double seconds() const { return seconds_; }

 private:
  const arma::Mat<T>* kept_ = nullptr;
  arma::Mat<T> own_;
  double seconds_ = 0;
};

// B^ = I - C diagMat(1 (/) diag C) as a DenseItemModel in the context's dtype: the one builder of the
// full-rank zero-diagonal EDLAE (EASE at p = 0) for every solver whose rank "full" is B^. Report:
// objective (Eq. 7 in O(n) from diag C), inverse use, seconds {inverse, model, total}, peak memory.
std::unique_ptr<FittedModel> fit_full_rank_edlae(FitContext& ctx, const Regularizer& reg);

// Records the peak resident memory of a fit into its report: the fit's own high-water mark when the
// kernel lets us reset it at the start, the process's otherwise.
class FitMemoryRecord {
 public:
  FitMemoryRecord();  // resets the high-water mark when allowed
  void write(FitReport& report, std::size_t memory_estimate) const;

 private:
  bool reset_ = false;
};

}  // namespace aelab
