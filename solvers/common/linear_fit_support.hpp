#pragma once
// What the linear-autoencoder plugins (zero_diagonal, admm) share: their standard parameters, access
// to the Gram matrix and the shared inverse with timings and memory guards, the full-rank model B^
// of SPEC 2.2, and the run diagnostics every fit carries.
#include <cstdint>
#include <memory>
#include <string>

#include <armadillo>
#include <nlohmann/json.hpp>

#include "core/linalg/linalg_cache.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

// rank (default "full"), lambda (default 300, >= 0), p (default 0.33, in [0, 1)) — the defaults of
// `closed_form_approx` and `unconstrained`, so that the Figure-1 solvers mean the same Lambda —, epochs
// (>= 1), seed (>= 0).
ParamSpec rank_param_spec();
ParamSpec lambda_param_spec();
ParamSpec dropout_param_spec();
ParamSpec epochs_param_spec(std::int64_t default_epochs);
ParamSpec seed_param_spec();

// k for `rank` on n items; throws aelab::Error("<solver>: rank k exceeds the number of items n").
std::size_t resolve_rank(const Rank& rank, std::size_t n_items, const std::string& solver);

// Memory of an iterative linear fit at finite rank k: `squares` dense n x n matrices plus
// `factors_per_rank` n x k matrices (factors, products, kept iterates); at rank "full", 2 n x n (C and B^).
std::size_t iterative_fit_memory(std::size_t n_items, Dtype dtype, const Rank& rank, double squares,
                                 double factors_per_rank);

// Bytes the inverse of (lambda, p) in dtype will add: 0 when the cache holds it, otherwise n^2 elements
// minus the inverse held now (freed before a different one is computed).
std::size_t inverse_bytes_to_allocate(const LinalgCache& cache, Dtype dtype, double lambda, double p);

// The pristine Gram matrix G in precision T: the cache's kept copy when it keeps one, otherwise an
// own copy (guarded by ensure_memory unless force_memory).
template <typename T>
class GramAccess {
 public:
  GramAccess(LinalgCache& cache, bool force_memory);
  const arma::Mat<T>& G() const { return kept_ ? *kept_ : own_; }
  double seconds() const { return seconds_; }
  bool own_copy() const { return kept_ == nullptr; }

 private:
  const arma::Mat<T>* kept_ = nullptr;
  arma::Mat<T> own_;
  double seconds_ = 0;
};

// B^ = I - C diagMat(1 (/) diag C) (SPEC 2.2) as a DenseItemModel in precision T, from a copy of the
// shared inverse, so that the other solvers at the same (lambda, p) reuse the one inversion. At its
// peak two n x n matrices are alive (the shared C and B^). Diagnostics: "objective" (Eq. 7, O(n) from
// diag C), "seconds" {inverse, total}, "inverse_reused", "peak_rss_bytes".
template <typename T>
std::unique_ptr<FittedModel> fit_full_rank_edlae(FitContext& ctx, double lambda, double p);

// Records "peak_rss_bytes" (this fit's high-water mark when the kernel lets us reset it at the start,
// "peak_rss_scope" says which) and "memory_estimate_bytes".
class FitMemoryRecord {
 public:
  FitMemoryRecord();  // resets the high-water mark when allowed
  void write(nlohmann::json& diagnostics, std::size_t memory_estimate) const;

 private:
  bool reset_ = false;
};

}  // namespace aelab
