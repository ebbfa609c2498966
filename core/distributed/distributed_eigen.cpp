#include "core/distributed/distributed_eigen.hpp"

#include <limits>
#include <string>

#include <mpi.h>

#include "core/distributed/mpi_session.hpp"
#include "core/util/error.hpp"

namespace aelab::distributed {

namespace {

// What rank 0 broadcasts before each step of the iteration: the width of the next block to multiply,
// or that the iteration ended (the result follows) or failed (rank 0 reports it).
constexpr int kFinished = 0, kFailed = -1;

int checked_count(std::size_t elements) {
  if (elements > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error("distributed eigensolver: " + std::to_string(elements) + " elements exceed one MPI message (2^31 - 1)");
  return static_cast<int>(elements);
}

// The rows of Q at this process's global columns of A, times A's local share, in A's global rows:
// zero elsewhere, so the sum over the processes is A Q.
template <typename T>
arma::Mat<T> partial_product(const BlockCyclicMatrix<T>& A, const arma::Mat<T>& Q) {
  arma::Mat<T> partial(static_cast<arma::uword>(A.rows()), Q.n_cols, arma::fill::zeros);
  if (A.local_rows() == 0 || A.local_cols() == 0) return partial;
  partial.rows(A.global_row_indices()) = A.local() * Q.rows(A.global_col_indices());
  return partial;
}

template <typename T>
void broadcast(arma::Mat<T>& A) {
  MPI_Bcast(A.memptr(), checked_count(A.n_elem), mpi_type<T>(), 0, MPI_COMM_WORLD);
}

bool is_root() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank == 0;
}

// Rank 0's side: the block method with each product computed by all processes.
template <typename T>
TopEigenpairs<T> lead_iteration(const BlockCyclicMatrix<T>& M, std::size_t k, const EigenOptions& options) {
  const BlockProduct<T> product = [&M](const arma::Mat<T>& Q, arma::Mat<T>& out) {
    int width = static_cast<int>(Q.n_cols);
    MPI_Bcast(&width, 1, MPI_INT, 0, MPI_COMM_WORLD);
    arma::Mat<T> shared = Q;
    broadcast(shared);
    const arma::Mat<T> partial = partial_product(M, shared);
    MPI_Reduce(partial.memptr(), out.memptr(), checked_count(partial.n_elem), mpi_type<T>(), MPI_SUM, 0, MPI_COMM_WORLD);
  };
  try {
    TopEigenpairs<T> result = top_eigenpairs_by_blocks<T>(static_cast<std::size_t>(M.rows()), product, k, options);
    int step = kFinished;
    MPI_Bcast(&step, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return result;
  } catch (...) {
    int step = kFailed;
    MPI_Bcast(&step, 1, MPI_INT, 0, MPI_COMM_WORLD);
    throw;
  }
}

// Every other rank: multiply until rank 0 says the iteration ended.
template <typename T>
void serve_products(const BlockCyclicMatrix<T>& M) {
  for (;;) {
    int step = 0;
    MPI_Bcast(&step, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (step == kFinished) return;
    if (step == kFailed) throw ReportedFailure{};  // rank 0 prints the error and ends every process
    arma::Mat<T> Q(static_cast<arma::uword>(M.rows()), static_cast<arma::uword>(step));
    broadcast(Q);
    const arma::Mat<T> partial = partial_product(M, Q);
    MPI_Reduce(partial.memptr(), nullptr, checked_count(partial.n_elem), mpi_type<T>(), MPI_SUM, 0, MPI_COMM_WORLD);
  }
}

}  // namespace

template <typename T>
arma::Mat<T> replicated_product(const BlockCyclicMatrix<T>& A, const arma::Mat<T>& Q) {
  if (Q.n_rows != static_cast<arma::uword>(A.cols()))
    throw Error("replicated_product: " + std::to_string(Q.n_rows) + " rows for a matrix of " + std::to_string(A.cols()) +
                " columns");
  const arma::Mat<T> partial = partial_product(A, Q);
  arma::Mat<T> out(partial.n_rows, partial.n_cols);
  MPI_Reduce(partial.memptr(), out.memptr(), checked_count(partial.n_elem), mpi_type<T>(), MPI_SUM, 0, MPI_COMM_WORLD);
  broadcast(out);
  return out;
}

template <typename T>
TopEigenpairs<T> distributed_top_eigenpairs(const BlockCyclicMatrix<T>& M, std::size_t k, const EigenOptions& options) {
  const std::size_t n = static_cast<std::size_t>(M.rows());
  TopEigenpairs<T> result;
  if (is_root())
    result = lead_iteration(M, k, options);
  else
    serve_products(M);
  // The result and its report, the same on every process.
  arma::Col<T> values(k);
  arma::Mat<T> vectors(n, k);
  if (is_root()) {
    values = result.values;
    vectors = result.vectors;
  }
  MPI_Bcast(values.memptr(), checked_count(k), mpi_type<T>(), 0, MPI_COMM_WORLD);
  broadcast(vectors);
  double scalars[3] = {result.next_value, result.max_residual, result.tolerance};
  MPI_Bcast(scalars, 3, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  result.next_value = scalars[0];
  result.max_residual = scalars[1];
  result.tolerance = scalars[2];
  unsigned long counts[3] = {result.iterations, result.matrix_products, result.block_size};
  MPI_Bcast(counts, 3, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  result.iterations = counts[0];
  result.matrix_products = counts[1];
  result.block_size = counts[2];
  result.values = std::move(values);
  result.vectors = std::move(vectors);
  result.method = "block";
  return result;
}

template arma::Mat<float> replicated_product<float>(const BlockCyclicMatrix<float>&, const arma::fmat&);
template arma::Mat<double> replicated_product<double>(const BlockCyclicMatrix<double>&, const arma::mat&);
template TopEigenpairs<float> distributed_top_eigenpairs<float>(const BlockCyclicMatrix<float>&, std::size_t,
                                                                const EigenOptions&);
template TopEigenpairs<double> distributed_top_eigenpairs<double>(const BlockCyclicMatrix<double>&, std::size_t,
                                                                  const EigenOptions&);

}  // namespace aelab::distributed
