#pragma once
// A BLACS process grid over MPI_COMM_WORLD: P = rows x cols processes, as square as P allows
// (rows <= cols, rows the largest divisor of P not above sqrt P), row-major ranks. A near-square grid
// balances the row and column broadcasts of pdpotrf and pdgemm; a prime P degenerates to 1 x P.
#include <mpi.h>

namespace aelab::distributed {

class ProcessGrid {
 public:
  // rows = 0: the near-square choice for the world size. Throws aelab::Error when rows * cols != P.
  explicit ProcessGrid(int rows = 0, int cols = 0);
  ~ProcessGrid();
  ProcessGrid(const ProcessGrid&) = delete;
  ProcessGrid& operator=(const ProcessGrid&) = delete;

  int context() const { return context_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int row() const { return row_; }
  int col() const { return col_; }
  int size() const { return rows_ * cols_; }
  int rank() const { return rank_; }
  // The processes of this process's grid column (same col(), ranked by row()) and grid row.
  MPI_Comm column_comm() const { return column_comm_; }
  MPI_Comm row_comm() const { return row_comm_; }

  // The near-square factorisation of p (rows <= cols).
  static void near_square(int p, int& rows, int& cols);

 private:
  int context_ = -1;
  int rows_ = 1, cols_ = 1, row_ = 0, col_ = 0, rank_ = 0;
  MPI_Comm column_comm_ = MPI_COMM_NULL, row_comm_ = MPI_COMM_NULL;
};

}  // namespace aelab::distributed
