#pragma once
// The two shapes every linear autoencoder takes, as ready FittedModels:
//  - LowRankModel: W = U V^T kept as factors, score = (x U) V^T, O(n k) memory;
//  - DenseItemModel: the n x n item-item matrix W, score = x W (full-rank models).
// Solvers fill them and their report; metrics only see FittedModel::score.
#include <armadillo>

#include "core/solver/solver.hpp"

namespace aelab {

template <typename T>
class LowRankModel : public FittedModel {
 public:
  // U, V: n x k. Stored as transposes so that summing the rows of U over a user's items reads
  // contiguous columns.
  LowRankModel(const arma::Mat<T>& U, const arma::Mat<T>& V);
  std::size_t n_items() const override { return Ut_.n_cols; }
  std::size_t rank() const { return Ut_.n_rows; }
  void score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const override;
  arma::Mat<T> U() const { return Ut_.t(); }
  const arma::Mat<T>& V() const { return V_; }

 private:
  arma::Mat<T> Ut_;  // k x n
  arma::Mat<T> V_;   // n x k
};

template <typename T>
class DenseItemModel : public FittedModel {
 public:
  // Takes W (n x n) by value: pass std::move(W) to avoid a copy of a matrix that may be gigabytes.
  explicit DenseItemModel(arma::Mat<T> W);
  std::size_t n_items() const override { return Wt_.n_cols; }
  void score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const override;
  arma::Mat<T> W() const { return Wt_.t(); }

 private:
  arma::Mat<T> Wt_;  // W^T, so that row j of W (what item j contributes to every score) is column j
};

}  // namespace aelab
