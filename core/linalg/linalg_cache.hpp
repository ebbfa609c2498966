#pragma once
// The expensive quantities shared by every linear solver fitted on one training matrix (docs/MATH.md §7):
// the Gram matrix G = X^T X (built once; a pristine copy is kept when memory allows, otherwise rebuilt
// from the sparse rows, which costs seconds against the minutes of an inverse) and the inverse
// C = (G + Lambda)^{-1}, computed once per (lambda, p, dtype) and kept until another one is needed,
// so all solvers at the same (lambda, p) share it.
#include <memory>
#include <optional>

#include <armadillo>

#include "core/data/binary_csr.hpp"
#include "core/linalg/dtype.hpp"
#include "core/linalg/regularizer.hpp"

namespace aelab {

template <typename T>
struct SharedInverse {
  std::shared_ptr<const arma::Mat<T>> C;  // (G + Lambda)^{-1}, symmetric
  double seconds = 0;                     // what computing it cost (Gram copy + potrf + potri)
  bool reused = false;                    // true when served from the cache
};

class LinalgCache {
 public:
  // `threads` is used for the Gram accumulation (BLAS threads are set globally).
  explicit LinalgCache(const BinaryCsr& train, int threads = 0);

  const BinaryCsr& train() const { return train_; }
  std::size_t n_items() const { return train_.n_cols(); }
  const arma::vec& item_counts() const { return item_counts_; }  // g = diag(G)
  // Lambda_jj = lambda + p/(1-p) g_j.
  arma::vec lambda_diagonal(const Regularizer& reg) const;

  // out <- G in precision T (copied from the pristine copy when kept, otherwise rebuilt).
  template <typename T>
  void gram_into(arma::Mat<T>& out);
  // The pristine G when it is kept (nullptr otherwise). Builds and keeps it if keeping is allowed.
  template <typename T>
  const arma::Mat<T>* pristine_gram();
  // Whether to keep a pristine G between fits. Default: keep when three n x n matrices of the
  // requested precision fit into the memory available at the time G is first built.
  void set_keep_gram(std::optional<bool> keep) { keep_gram_ = keep; }

  // C = (G + Lambda)^{-1} for `reg` in precision T: one n x n allocation, guarded by ensure_memory
  // unless force_memory. The latest inverse is kept for the next request.
  template <typename T>
  SharedInverse<T> inverse(const Regularizer& reg, bool force_memory = false);

  // C for a fit that overwrites it (e.g. B^ built in place): a copy while one more n x n matrix fits
  // in the available memory, so later fits at the same regulariser still share it; otherwise the
  // cached matrix itself (the cache then forgets it: memory-tight EASE holds one n x n matrix).
  template <typename T>
  arma::Mat<T> inverse_to_consume(const Regularizer& reg, bool force_memory, bool& reused, double& seconds);

  // Whether inverse<T>(reg) would be served from the cache, and the bytes of the inverse held now
  // (freed before a different one is computed): what a solver's memory guard needs to know.
  bool has_inverse(Dtype dtype, const Regularizer& reg) const;
  std::size_t held_inverse_bytes() const;
  // Bytes inverse<T>(reg) would add now: 0 when cached, else n^2 elements minus the inverse held now.
  std::size_t inverse_bytes_to_allocate(Dtype dtype, const Regularizer& reg) const;

  // Drops the kept inverse and Gram copy (the runner calls this between data sets or precisions).
  void release();
  // Drops only the kept inverse: the runner calls this when the next fits need another (lambda, p),
  // and before every fit whose time must include its own inverse (independent rank fits).
  void release_inverse();

  struct Stats {
    std::size_t gram_builds = 0;
    std::size_t inversions = 0;
    std::size_t inverse_reuses = 0;
    double gram_seconds = 0;
    double inverse_seconds = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  template <typename T>
  bool should_keep_gram() const;
  template <typename T>
  std::shared_ptr<arma::Mat<T>>& stored_inverse() {
    if constexpr (std::is_same_v<T, float>) return cached_.f32; else return cached_.f64;
  }

  const BinaryCsr& train_;
  int threads_;
  arma::vec item_counts_;
  std::optional<bool> keep_gram_;
  arma::Mat<float> gram_f32_;
  arma::Mat<double> gram_f64_;
  struct CachedInverse {
    Dtype dtype = Dtype::float64;
    std::optional<Regularizer> reg;
    double seconds = 0;
    std::shared_ptr<arma::Mat<float>> f32;
    std::shared_ptr<arma::Mat<double>> f64;
  };
  CachedInverse cached_;
  Stats stats_;
};

}  // namespace aelab
