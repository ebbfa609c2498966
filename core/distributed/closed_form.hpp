#pragma once
// The closed forms of docs/MATH.md §2.1, §2.2, §2.5 on a process grid. One object holds C =
// (G + Lambda)^{-1} for one regulariser (block-cyclic, n^2/P per process) and derives from it
//  - the dense full-rank models W_S = I - C diagMat(s): the EDLAE B^ (EASE at p = 0) or the DLAE
//    I - C Lambda, kept distributed (the evaluation scores them in place, core/distributed/evaluation);
//  - the top-k factors of W_S's Eckart-Young projection (Algorithm 1, or the unconstrained rank-k
//    model), gathered on every process as n x k matrices: one decomposition at the largest rank of a
//    sweep, every smaller rank is a prefix of its columns.
// T is double or float (ScaLAPACK's pd* or ps* routines).
#include <string>

#include <armadillo>

#include "core/data/binary_csr.hpp"
#include "core/distributed/block_cyclic_matrix.hpp"
#include "core/linalg/eigen.hpp"
#include "core/linalg/regularizer.hpp"

namespace aelab::distributed {

// The diagonal S of W_S = I - C S.
enum class Shrinkage {
  ridge,          // S = Lambda: the unconstrained linear AE with dropout-style L2 (DLAE), §2.1
  zero_diagonal,  // S = diagMat(1 (/) diag C): the zero-diagonal EDLAE B^ and Algorithm 1, §2.2 and §2.5
};

// Rank-k_max factors on every process, largest eigenvalue first: model U_k V_k^T for any k <= k_max
// from the first k columns.
template <typename T>
struct LowRankFactors {
  arma::Mat<T> U, V;  // n x k_max
  arma::vec values; // eigenvalues of W_S^T G_L W_S, descending
  // max_c ||M v_c - theta_c v_c|| / theta_1 for the eigen-matrix M, measured after the decomposition.
  double max_residual = 0;
  std::string method;           // the eigensolver that ran: "block" or "scalapack pdsyevr" / "pssyevr"
  std::size_t matrix_products = 0;  // block products (block method)
  double next_value = arma::datum::nan;  // the eigenvalue after the k_max-th, when computed
  double tolerance = arma::datum::nan;   // the residual tolerance the block method applied
};

// The eigensolver of a rank-k fit: the block method (distributed products, rank 0 iterating) unless
// `eigen` asks for dense or the block method's basis would exceed n / 2; then pdsyevr. "arpack" has
// no distributed form: an error naming it.
enum class DistributedEigen { block, pdsyevr };
DistributedEigen distributed_eigen_method(std::size_t n, std::size_t k, const EigenOptions& options);

// Peak bytes every process allocates for a fit at rank k (0: rank full) on P processes: its n^2/P
// share of C and of the model (rank full) or of the eigen-matrix and, with pdsyevr, its vector array
// and (n / floor(sqrt P))^2 workspace; the n x k factors and the block products (docs/DISTRIBUTED.md).
std::size_t closed_form_bytes_per_process(std::size_t n, int processes, std::size_t k,
                                          std::size_t element_bytes = sizeof(double), const EigenOptions& options = {});
// What rank 0 holds beyond that: the block method's bases and Ritz vectors (it alone iterates).
std::size_t closed_form_rank0_extra_bytes(std::size_t n, std::size_t k, std::size_t element_bytes = sizeof(double),
                                          const EigenOptions& options = {});

template <typename T>
class DistributedClosedForm {
 public:
  // Builds G + Lambda from the sparse X held by every process and inverts it (pdpotrf + pdpotri).
  DistributedClosedForm(const ProcessGrid& grid, const BinaryCsr& train, const Regularizer& reg,
                        int block = kDefaultBlock);

  std::size_t n_items() const { return train_.n_cols(); }
  const BlockCyclicMatrix<T>& inverse() const { return C_; }
  const arma::vec& lambda_diagonal() const { return lambda_; }
  const arma::vec& inverse_diagonal() const { return c_; }  // diag C, on every process
  arma::vec shrinkage_diagonal(Shrinkage kind) const;
  double gram_seconds() const { return gram_seconds_; }
  double inverse_seconds() const { return inverse_seconds_; }

  // The dense full-rank model W_S in a new distributed matrix (C is kept for later fits).
  BlockCyclicMatrix<T> full_rank_model(Shrinkage kind) const;
  // The factors at rank k_max: eigen-matrix formed in O(n^2/P), its top eigenpairs (block method or
  // pdsyevr, distributed_eigen_method), U = V - C (S V) by distributed products.
  // The block method measures its residuals; after pdsyevr they are measured (one more n^2 k product)
  // and a residual above 1e-6 is an error: a ScaLAPACK failure inside pdsyevr may only print a line
  // and leave info at 0. Peak: two n^2/P matrices (C, the eigen-matrix), three with pdsyevr.
  LowRankFactors<T> factors(Shrinkage kind, int k_max, const EigenOptions& options = {}) const;

 private:
  // M <- W_S^T G_L W_S for S = diagMat(s), rebuilt from X (docs/MATH.md §2.0).
  void eigen_matrix(BlockCyclicMatrix<T>& M, const arma::vec& s) const;
  double eigen_residual(const BlockCyclicMatrix<T>& M, const BlockCyclicMatrix<T>& V, const arma::vec& values) const;
  LowRankFactors<T> factors_by_blocks(const arma::vec& s, int k_max, const EigenOptions& options) const;
  LowRankFactors<T> factors_by_pdsyevr(const arma::vec& s, int k_max) const;

  const ProcessGrid& grid_;
  const BinaryCsr& train_;
  int block_;
  arma::vec lambda_, c_;
  BlockCyclicMatrix<T> C_;
  double gram_seconds_ = 0, inverse_seconds_ = 0;
};

}  // namespace aelab::distributed
