#include "core/distributed/block_cyclic_matrix.hpp"

#include <algorithm>
#include <string>

#include "core/distributed/scalapack.hpp"
#include "core/util/error.hpp"

namespace aelab::distributed {

namespace {

// Global indices of the local rows (or columns) of process coordinate `me` among `procs`.
std::vector<int> global_indices(int n, int block, int me, int procs) {
  const int zero = 0;
  const int local = numroc_(&n, &block, &me, &zero, &procs);
  std::vector<int> out(static_cast<std::size_t>(local));
  for (int l = 0; l < local; ++l) out[static_cast<std::size_t>(l)] = ((l / block) * procs + me) * block + l % block;
  return out;
}

}  // namespace

template <typename T>
BlockCyclicMatrix<T>::BlockCyclicMatrix(const ProcessGrid& grid, int rows, int cols, int block)
    : grid_(&grid), rows_(rows), cols_(cols), block_(block) {
  if (rows < 0 || cols < 0) throw Error("distributed matrix: negative shape");
  if (block < 1) throw Error("distributed matrix: block size must be >= 1, got " + std::to_string(block));
  global_rows_ = global_indices(rows, block, grid.row(), grid.rows());
  global_cols_ = global_indices(cols, block, grid.col(), grid.cols());
  local_.zeros(global_rows_.size(), global_cols_.size());
  const int zero = 0, ctx = grid.context();
  const int lld = std::max(1, static_cast<int>(global_rows_.size()));
  int info = 0;
  descinit_(desc_, &rows_, &cols_, &block_, &block_, &zero, &zero, &ctx, &lld, &info);
  if (info != 0) throw Error("descinit failed (info " + std::to_string(info) + ")");
}

template <typename T>
int BlockCyclicMatrix<T>::local_row(int i) const {
  const int procs = grid_->rows(), b = i / block_;
  if (b % procs != grid_->row()) return -1;
  return (b / procs) * block_ + i % block_;
}

template <typename T>
int BlockCyclicMatrix<T>::local_col(int j) const {
  const int procs = grid_->cols(), b = j / block_;
  if (b % procs != grid_->col()) return -1;
  return (b / procs) * block_ + j % block_;
}

template <typename T>
arma::Mat<T> BlockCyclicMatrix<T>::gathered_columns(int k) const {
  // Every element has exactly one owner, so a sum of zero-padded copies is the matrix itself.
  arma::Mat<T> out(static_cast<arma::uword>(rows_), static_cast<arma::uword>(k), arma::fill::zeros);
  for (int lj = 0; lj < local_cols(); ++lj) {
    const int j = global_col(lj);
    if (j >= k) continue;
    for (int li = 0; li < local_rows(); ++li) out.at(static_cast<arma::uword>(global_row(li)), static_cast<arma::uword>(j)) = local_.at(li, lj);
  }
  MPI_Allreduce(MPI_IN_PLACE, out.memptr(), static_cast<int>(out.n_elem), mpi_type<T>(), MPI_SUM, MPI_COMM_WORLD);
  return out;
}

template <typename T>
arma::vec BlockCyclicMatrix<T>::gathered_diagonal() const {
  arma::vec out(static_cast<arma::uword>(std::min(rows_, cols_)), arma::fill::zeros);
  for (int lj = 0; lj < local_cols(); ++lj) {
    const int j = global_col(lj), li = local_row(j);
    if (li >= 0) out[static_cast<arma::uword>(j)] = static_cast<double>(local_.at(li, lj));
  }
  MPI_Allreduce(MPI_IN_PLACE, out.memptr(), static_cast<int>(out.n_elem), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return out;
}

template class BlockCyclicMatrix<float>;
template class BlockCyclicMatrix<double>;

}  // namespace aelab::distributed
