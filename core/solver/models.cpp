#include "core/solver/models.hpp"

#include "core/util/error.hpp"

namespace aelab {

namespace {

// out.col(u) = sum over items j of fold-in row (begin + u) of M.col(j).
template <typename T>
void sum_columns_per_row(const arma::Mat<T>& M, const BinaryCsr& rows, std::size_t begin, std::size_t end,
                         arma::Mat<T>& out) {
  out.zeros(M.n_rows, end - begin);
  for (std::size_t u = begin; u < end; ++u) {
    T* dst = out.colptr(u - begin);
    for (std::uint32_t j : rows.row(u)) {
      const T* src = M.colptr(j);
      for (arma::uword i = 0; i < M.n_rows; ++i) dst[i] += src[i];
    }
  }
}

void check_batch(const BinaryCsr& rows, std::size_t begin, std::size_t end, std::size_t n_items) {
  if (rows.n_cols() != n_items)
    throw Error("model has " + std::to_string(n_items) + " items but the fold-in rows have " + std::to_string(rows.n_cols()));
  if (begin > end || end > rows.n_rows()) throw Error("score: row range out of bounds");
}

}  // namespace

template <typename T>
LowRankModel<T>::LowRankModel(const arma::Mat<T>& U, const arma::Mat<T>& V) : Ut_(U.t()), V_(V) {
  if (U.n_rows != V.n_rows || U.n_cols != V.n_cols) throw Error("LowRankModel: U and V must have the same shape");
}

template <typename T>
void LowRankModel<T>::score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const {
  check_batch(fold_in, begin, end, n_items());
  arma::Mat<T> latent;  // k x batch: (x U)^T for each user
  sum_columns_per_row(Ut_, fold_in, begin, end, latent);
  if constexpr (std::is_same_v<T, double>) {
    scores = V_ * latent;
  } else {
    scores = arma::conv_to<arma::mat>::from(arma::Mat<T>(V_ * latent));
  }
}

template <typename T>
DenseItemModel<T>::DenseItemModel(arma::Mat<T> W) : Wt_(std::move(W)) {
  if (Wt_.n_rows != Wt_.n_cols) throw Error("DenseItemModel: W must be square");
  arma::inplace_trans(Wt_);
}

template <typename T>
void DenseItemModel<T>::score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const {
  check_batch(fold_in, begin, end, n_items());
  if constexpr (std::is_same_v<T, double>) {
    sum_columns_per_row(Wt_, fold_in, begin, end, scores);
  } else {
    arma::Mat<T> partial;
    sum_columns_per_row(Wt_, fold_in, begin, end, partial);
    scores = arma::conv_to<arma::mat>::from(partial);
  }
}

template class LowRankModel<float>;
template class LowRankModel<double>;
template class DenseItemModel<float>;
template class DenseItemModel<double>;

}  // namespace aelab
