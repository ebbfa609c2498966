#include "core/data/binary_csr.hpp"

#include <algorithm>
#include <string>

#include "core/util/error.hpp"

namespace aelab {

BinaryCsr::BinaryCsr(std::size_t n_rows, std::size_t n_cols, std::vector<std::uint64_t> row_ptr,
                     std::vector<std::uint32_t> col_idx)
    : n_cols_(n_cols), row_ptr_(std::move(row_ptr)), col_idx_(std::move(col_idx)) {
  if (row_ptr_.size() != n_rows + 1 || row_ptr_.front() != 0 || row_ptr_.back() != col_idx_.size())
    throw Error("BinaryCsr: row_ptr must have n_rows + 1 entries from 0 to nnz");
  for (std::size_t r = 0; r < n_rows; ++r) {
    if (row_ptr_[r] > row_ptr_[r + 1]) throw Error("BinaryCsr: row_ptr decreases at row " + std::to_string(r));
    for (std::uint64_t i = row_ptr_[r]; i < row_ptr_[r + 1]; ++i) {
      if (col_idx_[i] >= n_cols_)
        throw Error("BinaryCsr: column " + std::to_string(col_idx_[i]) + " out of range in row " + std::to_string(r));
      if (i > row_ptr_[r] && col_idx_[i] <= col_idx_[i - 1])
        throw Error("BinaryCsr: columns of row " + std::to_string(r) + " not strictly increasing");
    }
  }
}

BinaryCsr BinaryCsr::from_pairs(std::size_t n_rows, std::size_t n_cols,
                                std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::uint64_t> row_ptr(n_rows + 1, 0);
  std::vector<std::uint32_t> col_idx;
  col_idx.reserve(pairs.size());
  for (const auto& [r, c] : pairs) {
    if (r >= n_rows) throw Error("BinaryCsr: row " + std::to_string(r) + " out of range");
    ++row_ptr[r + 1];
    col_idx.push_back(c);
  }
  for (std::size_t r = 0; r < n_rows; ++r) row_ptr[r + 1] += row_ptr[r];
  return BinaryCsr(n_rows, n_cols, std::move(row_ptr), std::move(col_idx));
}

double BinaryCsr::density() const {
  const double cells = static_cast<double>(n_rows()) * static_cast<double>(n_cols_);
  return cells > 0 ? static_cast<double>(nnz()) / cells : 0.0;
}

std::vector<std::uint64_t> BinaryCsr::column_counts() const {
  std::vector<std::uint64_t> counts(n_cols_, 0);
  for (std::uint32_t c : col_idx_) ++counts[c];
  return counts;
}

BinaryCsr BinaryCsr::slice_rows(std::size_t begin, std::size_t end) const {
  if (begin > end || end > n_rows()) throw Error("BinaryCsr::slice_rows: range out of bounds");
  std::vector<std::uint64_t> row_ptr(end - begin + 1);
  for (std::size_t r = begin; r <= end; ++r) row_ptr[r - begin] = row_ptr_[r] - row_ptr_[begin];
  std::vector<std::uint32_t> col_idx(col_idx_.begin() + static_cast<std::ptrdiff_t>(row_ptr_[begin]),
                                     col_idx_.begin() + static_cast<std::ptrdiff_t>(row_ptr_[end]));
  return BinaryCsr(end - begin, n_cols_, std::move(row_ptr), std::move(col_idx));
}

template <typename T>
arma::SpMat<T> BinaryCsr::to_spmat(std::size_t begin, std::size_t end) const {
  const std::size_t n = row_ptr_[end] - row_ptr_[begin];
  arma::umat locations(2, n);
  std::size_t k = 0;
  for (std::size_t r = begin; r < end; ++r)
    for (std::uint32_t c : row(r)) {
      locations(0, k) = r - begin;
      locations(1, k) = c;
      ++k;
    }
  return arma::SpMat<T>(locations, arma::Col<T>(n, arma::fill::ones), end - begin, n_cols_);
}

template <typename T>
arma::Mat<T> BinaryCsr::to_dense() const {
  arma::Mat<T> dense(n_rows(), n_cols_, arma::fill::zeros);
  for (std::size_t r = 0; r < n_rows(); ++r)
    for (std::uint32_t c : row(r)) dense(r, c) = T(1);
  return dense;
}

template arma::SpMat<float> BinaryCsr::to_spmat<float>(std::size_t, std::size_t) const;
template arma::SpMat<double> BinaryCsr::to_spmat<double>(std::size_t, std::size_t) const;
template arma::Mat<float> BinaryCsr::to_dense<float>() const;
template arma::Mat<double> BinaryCsr::to_dense<double>() const;

}  // namespace aelab
