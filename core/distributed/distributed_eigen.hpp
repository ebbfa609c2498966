#pragma once
// The top-k eigenpairs of a block-cyclic symmetric matrix by the block method of core/linalg/eigen.hpp,
// without the n x n vector array and the (n / floor(sqrt P))^2 reduction workspace pdsyevr needs: its
// work is block products (gemm on each process's share), and its bases are n x (a few k).
//
// Rank 0 alone runs the iteration (orthogonalisation, Rayleigh-Ritz, locking); for every product it
// broadcasts the block of vectors, every process multiplies its own blocks of the matrix by it, and the
// partial products are summed on rank 0. Only one process decides, so processes whose BLAS rounds
// differently (other kernels on other hosts) cannot disagree on when to stop. Communication per product
// of s vectors: one broadcast and one reduction of n s elements.
#include <cstddef>

#include <armadillo>

#include "core/distributed/block_cyclic_matrix.hpp"
#include "core/linalg/eigen.hpp"

namespace aelab::distributed {

// A Q on every process, for Q (n x b) the same on every process: each process multiplies its blocks of A
// by the rows of Q they need, and the zero-padded partial products are summed on rank 0 and broadcast.
template <typename T>
arma::Mat<T> replicated_product(const BlockCyclicMatrix<T>& A, const arma::Mat<T>& Q);

// The k largest eigenpairs of the symmetric M (both triangles stored), on every process, with the
// method, products and measured residual of core/linalg/eigen.hpp's block method. A failure on rank 0
// (no convergence) is thrown there and ends every process (core/distributed/mpi_session.hpp).
template <typename T>
TopEigenpairs<T> distributed_top_eigenpairs(const BlockCyclicMatrix<T>& M, std::size_t k, const EigenOptions& options);

}  // namespace aelab::distributed
