#pragma once
// The shared algebra of the closed forms (docs/MATH.md §2.0-§2.5) on block-cyclic matrices: no
// process ever holds an n x n matrix, only its ~n^2/P share of each (docs/DISTRIBUTED.md).
// T is double (pd* routines) or float (ps* routines).
#include <armadillo>

#include "core/data/binary_csr.hpp"
#include "core/distributed/block_cyclic_matrix.hpp"

namespace aelab::distributed {

// out <- G = X^T X (+ diagMat(shift) when shift is not empty). Every process reads the whole sparse X
// and accumulates only the entries of its own blocks, from each user's items restricted to its rows
// and columns: work sum_u |x_u ∩ rows| |x_u ∩ cols| ~ sum_u |x_u|^2 / P, no communication.
template <typename T>
void distributed_gram(const BinaryCsr& X, BlockCyclicMatrix<T>& out, const arma::vec& shift = {});

// A <- A^{-1} for SPD A (pdpotrf + pdpotri on the upper triangle; the lower one is then mirrored
// through a distributed transpose into `work`, an n x n matrix of A's distribution that is
// overwritten). Throws aelab::Error naming the failing leading minor when A is not positive definite.
template <typename T>
void spd_inverse_in_place(BlockCyclicMatrix<T>& A, BlockCyclicMatrix<T>& work);

// GL <- W_S^T GL W_S = GL - 2 diagMat(s) + diagMat(s) C diagMat(s) (docs/MATH.md §2.0) entrywise on
// each process's blocks: O(n^2 / P), no communication. GL and C share one distribution.
template <typename T>
void shrunk_gram_in_place(BlockCyclicMatrix<T>& GL, const BlockCyclicMatrix<T>& C, const arma::vec& s);

// The eigenpairs of the m >= k largest eigenvalues of the symmetric A (destroyed), by pdsyevr with
// the index range n-m+1..n, in pdsyevr's ascending order: values[c] belongs to column c of `vectors`
// (an n x n matrix of A's distribution, as pdsyevr's interface requires; only m columns are written).
// m exceeds k only where pdsyevr's internal workspace would otherwise be too small (see the .cpp);
// the caller keeps the last k. Reversing to largest-first is left to the gathered copy.
template <typename T>
arma::vec top_eigenpairs(BlockCyclicMatrix<T>& A, int k, BlockCyclicMatrix<T>& vectors);

// C <- W_S = I - C diagMat(s) by a local column scaling (docs/MATH.md §2.1, §2.2). With zero_diagonal
// (s = 1 (/) diag C, the EDLAE B^) the diagonal is set to 0 exactly rather than to 1 - C_jj s_j.
template <typename T>
void shrinkage_model_in_place(BlockCyclicMatrix<T>& C, const arma::vec& s, bool zero_diagonal);

}  // namespace aelab::distributed
