#include "core/distributed/process_grid.hpp"

#include <cmath>
#include <string>

#include "core/distributed/scalapack.hpp"
#include "core/util/error.hpp"

namespace aelab::distributed {

void ProcessGrid::near_square(int p, int& rows, int& cols) {
  rows = static_cast<int>(std::sqrt(static_cast<double>(p)));
  while (rows > 1 && p % rows != 0) --rows;
  if (rows < 1) rows = 1;
  cols = p / rows;
}

ProcessGrid::ProcessGrid(int rows, int cols) {
  int world = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  if (rows <= 0) near_square(world, rows, cols);
  if (rows * cols != world)
    throw Error("process grid " + std::to_string(rows) + " x " + std::to_string(cols) + " does not match the " +
                std::to_string(world) + " MPI processes");
  Cblacs_get(0, 0, &context_);
  Cblacs_gridinit(&context_, "Row", rows, cols);
  Cblacs_gridinfo(context_, &rows_, &cols_, &row_, &col_);
  // Row-major: rank = row * cols + col, the same numbering BLACS uses for "Row".
  MPI_Comm_split(MPI_COMM_WORLD, col_, row_, &column_comm_);
  MPI_Comm_split(MPI_COMM_WORLD, row_, col_, &row_comm_);
}

ProcessGrid::~ProcessGrid() {
  if (column_comm_ != MPI_COMM_NULL) MPI_Comm_free(&column_comm_);
  if (row_comm_ != MPI_COMM_NULL) MPI_Comm_free(&row_comm_);
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised && context_ >= 0) Cblacs_gridexit(context_);
}

}  // namespace aelab::distributed
