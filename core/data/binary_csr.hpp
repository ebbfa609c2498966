#pragma once
// A binary user x item matrix in compressed sparse row form: the only representation of interaction
// data the solvers and metrics see. Row r holds the sorted, duplicate-free item indices of user r.
#include <cstdint>
#include <utility>
#include <vector>

#include <armadillo>

namespace aelab {

class BinaryCsr {
 public:
  struct Row {
    const std::uint32_t* begin_;
    const std::uint32_t* end_;
    const std::uint32_t* begin() const { return begin_; }
    const std::uint32_t* end() const { return end_; }
    std::size_t size() const { return static_cast<std::size_t>(end_ - begin_); }
    bool empty() const { return begin_ == end_; }
  };

  BinaryCsr() : row_ptr_(1, 0) {}
  // Takes ownership of CSR arrays; throws aelab::Error when they are inconsistent (unsorted or
  // duplicate columns, columns out of range, row_ptr not non-decreasing or not ending at nnz).
  BinaryCsr(std::size_t n_rows, std::size_t n_cols, std::vector<std::uint64_t> row_ptr,
            std::vector<std::uint32_t> col_idx);

  // Builds from (row, col) pairs in any order; duplicates collapse to one entry (the matrix is binary).
  static BinaryCsr from_pairs(std::size_t n_rows, std::size_t n_cols,
                              std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs);

  std::size_t n_rows() const { return row_ptr_.size() - 1; }
  std::size_t n_cols() const { return n_cols_; }
  std::size_t nnz() const { return col_idx_.size(); }
  double density() const;

  Row row(std::size_t r) const {
    return Row{col_idx_.data() + row_ptr_[r], col_idx_.data() + row_ptr_[r + 1]};
  }
  const std::vector<std::uint64_t>& row_ptr() const { return row_ptr_; }
  const std::vector<std::uint32_t>& col_idx() const { return col_idx_; }

  // Number of rows holding each column (item popularity, g = diag(X^T X)).
  std::vector<std::uint64_t> column_counts() const;
  // Rows [begin, end) as a new matrix with the same columns.
  BinaryCsr slice_rows(std::size_t begin, std::size_t end) const;
  // Rows [begin, end) as an Armadillo sparse matrix (values 1), for code that wants SpMat algebra.
  template <typename T>
  arma::SpMat<T> to_spmat(std::size_t begin, std::size_t end) const;
  template <typename T>
  arma::SpMat<T> to_spmat() const { return to_spmat<T>(0, n_rows()); }
  // Dense copy (tests and tiny problems only).
  template <typename T>
  arma::Mat<T> to_dense() const;

  bool operator==(const BinaryCsr& other) const {
    return n_cols_ == other.n_cols_ && row_ptr_ == other.row_ptr_ && col_idx_ == other.col_idx_;
  }

 private:
  std::size_t n_cols_ = 0;
  std::vector<std::uint64_t> row_ptr_;
  std::vector<std::uint32_t> col_idx_;
};

}  // namespace aelab
