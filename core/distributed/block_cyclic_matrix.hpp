#pragma once
// A dense m x n matrix (float64 or float32) distributed 2D block-cyclically over a ProcessGrid, as
// ScaLAPACK expects: nb x nb blocks dealt round-robin to the grid's rows and columns, each process
// holding its blocks in one column-major local array (leading dimension = local rows). A process
// stores about m n / P elements; global <-> local indices are pure arithmetic on (block, grid position).
#include <vector>

#include <armadillo>
#include <mpi.h>

#include "core/distributed/process_grid.hpp"

namespace aelab::distributed {

// Block size of the distribution when none is given: large enough that the local BLAS-3 kernels of
// pdpotrf/pdgemm run near peak, small enough to balance a few thousand items over the processes.
constexpr int kDefaultBlock = 256;

template <typename T>
MPI_Datatype mpi_type() {
  return std::is_same_v<T, float> ? MPI_FLOAT : MPI_DOUBLE;
}

template <typename T>
class BlockCyclicMatrix {
 public:
  BlockCyclicMatrix(const ProcessGrid& grid, int rows, int cols, int block = kDefaultBlock);

  const ProcessGrid& grid() const { return *grid_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int block() const { return block_; }
  const int* desc() const { return desc_; }
  arma::Mat<T>& local() { return local_; }
  const arma::Mat<T>& local() const { return local_; }
  int local_rows() const { return static_cast<int>(local_.n_rows); }
  int local_cols() const { return static_cast<int>(local_.n_cols); }

  // Global index of local row li / local column lj.
  int global_row(int li) const { return global_rows_[static_cast<std::size_t>(li)]; }
  int global_col(int lj) const { return global_cols_[static_cast<std::size_t>(lj)]; }
  // The global indices of all local rows / columns, in local order (to index replicated data).
  arma::uvec global_row_indices() const { return as_indices(global_rows_); }
  arma::uvec global_col_indices() const { return as_indices(global_cols_); }
  // Local index of global row i / column j on this process, -1 when another process holds it.
  int local_row(int i) const;
  int local_col(int j) const;

  // The whole matrix on every process (an allreduce of m n elements): tests and small problems only.
  arma::Mat<T> gathered() const { return gathered_columns(cols_); }
  // The diagonal on every process (n elements reduced), in double.
  arma::vec gathered_diagonal() const;
  // Columns [0, k) on every process (m k elements reduced): the gathered factors of a low-rank model.
  arma::Mat<T> gathered_columns(int k) const;

 private:
  static arma::uvec as_indices(const std::vector<int>& global) {
    return arma::conv_to<arma::uvec>::from(std::vector<arma::uword>(global.begin(), global.end()));
  }

  const ProcessGrid* grid_;
  int rows_, cols_, block_;
  int desc_[9];
  arma::Mat<T> local_;
  std::vector<int> global_rows_, global_cols_;
};

extern template class BlockCyclicMatrix<float>;
extern template class BlockCyclicMatrix<double>;

}  // namespace aelab::distributed
