#include "core/distributed/closed_form.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

#include <mpi.h>

#include "core/distributed/distributed_eigen.hpp"
#include "core/distributed/distributed_linalg.hpp"
#include "core/distributed/scalapack.hpp"
#include "core/linalg/dense_linalg.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::distributed {

namespace {

int checked_items(const BinaryCsr& X) {
  if (X.n_cols() == 0) throw Error("the training data has no items");
  if (X.n_cols() > static_cast<std::size_t>(std::numeric_limits<int>::max() / 2))
    throw Error("too many items for ScaLAPACK's 32-bit indices: " + std::to_string(X.n_cols()));
  return static_cast<int>(X.n_cols());
}

}  // namespace

DistributedEigen distributed_eigen_method(std::size_t n, std::size_t k, const EigenOptions& options) {
  if (options.method == EigenMethod::arpack)
    throw Error("eigen: \"arpack\" has no distributed form on the scalapack backend; use \"auto\", \"block\" or \"dense\"");
  if (options.method == EigenMethod::dense || !block_method_fits(n, k, options)) return DistributedEigen::pdsyevr;
  return DistributedEigen::block;
}

std::size_t closed_form_bytes_per_process(std::size_t n, int processes, std::size_t k, std::size_t element_bytes,
                                          const EigenOptions& options) {
  const std::size_t p = static_cast<std::size_t>(std::max(1, processes));
  const std::size_t share = n * n / p + n;
  // The inverse: C and the mirror's second share, plus on grids of more than one row the transpose's
  // buffers (pdtran), measured at 0.65-0.75 of a share (2.75 shares in all on 2 x 2 at n = 20,000,
  // 2.1-2.2 on one-row grids; docs/BENCHMARKS.md): counted as one more share.
  int grid_rows = 1, grid_cols = 1;
  ProcessGrid::near_square(static_cast<int>(p), grid_rows, grid_cols);
  const std::size_t inverse_stage = (grid_rows > 1 ? 3 : 2) * share;
  std::size_t fit_stage = 2 * share;  // rank full: C and the model
  if (k > 0 && distributed_eigen_method(n, k, options) == DistributedEigen::block) {
    // C and the eigen-matrix; the replicated V, S V, U and their products; a block and its product.
    fit_stage = 2 * share + 5 * n * (k + 1) + 2 * n * block_method_block_size(n, k, options);
  } else if (k > 0) {
    // pdsyevr's tridiagonal reduction (pdsyntrd) takes an optimal workspace of (n / floor(sqrt P))^2
    // elements: one more share on a square grid, more on others (n^2 at P = 2).
    const std::size_t root = static_cast<std::size_t>(std::sqrt(static_cast<double>(p)));
    const std::size_t reduction = (n / root + 1) * (n / root + 1);
    fit_stage = 3 * share + reduction + 4 * n * k + 3 * n * k / p;
  }
  return element_bytes * std::max(inverse_stage, fit_stage);
}

std::size_t closed_form_rank0_extra_bytes(std::size_t n, std::size_t k, std::size_t element_bytes,
                                          const EigenOptions& options) {
  if (k == 0 || distributed_eigen_method(n, k, options) != DistributedEigen::block) return 0;
  return element_bytes * block_method_elements(n, k, options);
}

template <typename T>
DistributedClosedForm<T>::DistributedClosedForm(const ProcessGrid& grid, const BinaryCsr& train,
                                                const Regularizer& reg, int block)
    : grid_(grid), train_(train), block_(block),
      lambda_(aelab::lambda_diagonal(item_counts(train), reg.lambda, reg.p)),
      C_(grid, checked_items(train), checked_items(train), block) {
  Timer stage;
  distributed_gram(train, C_, lambda_);
  gram_seconds_ = stage.seconds();
  stage.restart();
  {
    BlockCyclicMatrix<T> work(grid, C_.rows(), C_.cols(), block);
    spd_inverse_in_place(C_, work);
  }
  c_ = C_.gathered_diagonal();
  inverse_seconds_ = stage.seconds();
}

template <typename T>
arma::vec DistributedClosedForm<T>::shrinkage_diagonal(Shrinkage kind) const {
  return kind == Shrinkage::ridge ? lambda_ : arma::vec(1.0 / c_);
}

template <typename T>
BlockCyclicMatrix<T> DistributedClosedForm<T>::full_rank_model(Shrinkage kind) const {
  BlockCyclicMatrix<T> W = C_;
  shrinkage_model_in_place(W, shrinkage_diagonal(kind), kind == Shrinkage::zero_diagonal);
  return W;
}

template <typename T>
void DistributedClosedForm<T>::eigen_matrix(BlockCyclicMatrix<T>& M, const arma::vec& s) const {
  distributed_gram(train_, M, lambda_);
  shrunk_gram_in_place(M, C_, s);
}

template <typename T>
double DistributedClosedForm<T>::eigen_residual(const BlockCyclicMatrix<T>& M, const BlockCyclicMatrix<T>& V,
                                                const arma::vec& values) const {
  const int n = M.rows(), k = V.cols();
  BlockCyclicMatrix<T> R(grid_, n, k, block_);
  scalapack::gemm(n, k, n, T(1), M.local().memptr(), M.desc(), V.local().memptr(), V.desc(), T(0), R.local().memptr(),
                  R.desc());
  // Squared column norms of M V - V Theta, each column's rows summed over the processes holding them.
  arma::vec squares(static_cast<arma::uword>(k), arma::fill::zeros);
  for (int lj = 0; lj < R.local_cols(); ++lj) {
    const double theta = values[static_cast<arma::uword>(R.global_col(lj))];
    const arma::vec r = arma::conv_to<arma::vec>::from(R.local().col(static_cast<arma::uword>(lj))) -
                        theta * arma::conv_to<arma::vec>::from(V.local().col(static_cast<arma::uword>(lj)));
    squares[static_cast<arma::uword>(R.global_col(lj))] = arma::dot(r, r);
  }
  MPI_Allreduce(MPI_IN_PLACE, squares.memptr(), k, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return std::sqrt(squares.max()) / std::max(std::abs(values.max()), std::numeric_limits<double>::min());
}

template <typename T>
LowRankFactors<T> DistributedClosedForm<T>::factors(Shrinkage kind, int k_max, const EigenOptions& options) const {
  const int n = C_.rows();
  if (k_max < 1 || k_max > n)
    throw Error("rank: " + std::to_string(k_max) + " outside 1.." + std::to_string(n) + " (the number of items)");
  const arma::vec s = shrinkage_diagonal(kind);
  if (distributed_eigen_method(static_cast<std::size_t>(n), static_cast<std::size_t>(k_max), options) ==
      DistributedEigen::block)
    return factors_by_blocks(s, k_max, options);
  return factors_by_pdsyevr(s, k_max);
}

template <typename T>
LowRankFactors<T> DistributedClosedForm<T>::factors_by_blocks(const arma::vec& s, int k_max,
                                                              const EigenOptions& options) const {
  TopEigenpairs<T> eig;
  {
    BlockCyclicMatrix<T> M(grid_, C_.rows(), C_.cols(), block_);
    eigen_matrix(M, s);
    eig = distributed_top_eigenpairs(M, static_cast<std::size_t>(k_max), options);
  }
  // U = V - C (S V).
  arma::Mat<T> SV = eig.vectors;
  SV.each_col() %= arma::conv_to<arma::Col<T>>::from(s);
  LowRankFactors<T> out;
  out.U = eig.vectors - replicated_product(C_, SV);
  out.V = std::move(eig.vectors);
  out.values = arma::conv_to<arma::vec>::from(eig.values);
  out.max_residual = eig.max_residual;
  out.method = eig.method;
  out.matrix_products = eig.matrix_products;
  out.next_value = eig.next_value;
  out.tolerance = eig.tolerance;
  return out;
}

template <typename T>
LowRankFactors<T> DistributedClosedForm<T>::factors_by_pdsyevr(const arma::vec& s, int k_max) const {
  const int n = C_.rows();
  arma::vec ascending;
  std::unique_ptr<BlockCyclicMatrix<T>> V;
  double residual = 0;
  {
    BlockCyclicMatrix<T> M(grid_, n, n, block_);
    {
      BlockCyclicMatrix<T> vectors(grid_, n, n, block_);
      eigen_matrix(M, s);
      ascending = top_eigenpairs(M, k_max, vectors);
      // The first m columns of an n x n and of an n x m matrix with one block size lie on the same
      // processes at the same local positions, so V's share is a prefix of the vectors' columns.
      V = std::make_unique<BlockCyclicMatrix<T>>(grid_, n, static_cast<int>(ascending.n_elem), block_);
      if (V->local_cols() > 0) V->local() = vectors.local().cols(0, static_cast<arma::uword>(V->local_cols() - 1));
    }
    eigen_matrix(M, s);
    residual = eigen_residual(M, *V, ascending);
  }
  // Far above what a converged decomposition leaves (~n eps of T), far below pdormtr's failure (~1).
  const double tolerance = std::is_same_v<T, float> ? 1e-2 : 1e-6;
  if (!(residual <= tolerance))
    throw Error("pdsyevr returned inaccurate eigenvectors (max relative residual " + std::to_string(residual) +
                "); try another --block");
  const int m = V->cols();
  BlockCyclicMatrix<T> SV = *V;
  // Scaled column by column: a process may hold rows of V but none of its columns (a row view of an
  // n x 0 matrix would dereference its null storage; UBSan found it).
  const arma::Col<T> local_s = arma::conv_to<arma::Col<T>>::from(arma::vec(s.elem(SV.global_row_indices())));
  SV.local().each_col() %= local_s;
  // U = V - C (S V), accumulated into a copy of V.
  BlockCyclicMatrix<T> U = *V;
  scalapack::gemm(n, m, n, T(-1), C_.local().memptr(), C_.desc(), SV.local().memptr(), SV.desc(), T(1),
                  U.local().memptr(), U.desc());
  // Largest first; pairs beyond k_max (see top_eigenpairs) are dropped.
  const arma::uword k = static_cast<arma::uword>(k_max);
  LowRankFactors<T> out;
  out.U = arma::fliplr(U.gathered_columns(m)).eval().head_cols(k);
  out.V = arma::fliplr(V->gathered_columns(m)).eval().head_cols(k);
  const arma::vec descending = arma::flipud(ascending);
  out.values = descending.head(k);
  if (descending.n_elem > k) out.next_value = descending[k];
  out.max_residual = residual;
  out.method = std::is_same_v<T, float> ? "scalapack pssyevr" : "scalapack pdsyevr";
  return out;
}

template class DistributedClosedForm<float>;
template class DistributedClosedForm<double>;

}  // namespace aelab::distributed
