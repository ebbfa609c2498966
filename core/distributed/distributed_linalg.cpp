#include "core/distributed/distributed_linalg.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/distributed/scalapack.hpp"
#include "core/util/error.hpp"

namespace aelab::distributed {

namespace {

// X restricted to the rows (items) this process holds, in local row indices: the inner loop of the
// Gram then touches only entries of its own blocks.
struct LocalRowItems {
  std::vector<std::uint64_t> ptr;
  std::vector<int> local;
};

template <typename T>
LocalRowItems local_row_items(const BinaryCsr& X, const BlockCyclicMatrix<T>& M) {
  LocalRowItems out;
  out.ptr.reserve(X.n_rows() + 1);
  out.ptr.push_back(0);
  for (std::size_t u = 0; u < X.n_rows(); ++u) {
    for (std::uint32_t a : X.row(u)) {
      const int li = M.local_row(static_cast<int>(a));
      if (li >= 0) out.local.push_back(li);
    }
    out.ptr.push_back(out.local.size());
  }
  return out;
}

}  // namespace

template <typename T>
void distributed_gram(const BinaryCsr& X, BlockCyclicMatrix<T>& out, const arma::vec& shift) {
  const int n = static_cast<int>(X.n_cols());
  if (out.rows() != n || out.cols() != n) throw Error("distributed_gram: the matrix is not n x n");
  if (!shift.empty() && shift.n_elem != X.n_cols()) throw Error("distributed_gram: shift has the wrong length");
  const LocalRowItems rows = local_row_items(X, out);
  arma::Mat<T>& local = out.local();
  local.zeros();
  // Users of each local column (CSC restricted to this process's columns).
  std::vector<std::vector<std::uint32_t>> users(static_cast<std::size_t>(out.local_cols()));
  for (std::size_t u = 0; u < X.n_rows(); ++u)
    for (std::uint32_t c : X.row(u)) {
      const int lj = out.local_col(static_cast<int>(c));
      if (lj >= 0) users[static_cast<std::size_t>(lj)].push_back(static_cast<std::uint32_t>(u));
    }
  for (int lj = 0; lj < out.local_cols(); ++lj) {
    T* column = local.colptr(static_cast<arma::uword>(lj));
    for (std::uint32_t u : users[static_cast<std::size_t>(lj)])
      for (std::uint64_t e = rows.ptr[u]; e < rows.ptr[u + 1]; ++e) column[rows.local[e]] += T(1);
    if (!shift.empty()) {
      const int j = out.global_col(lj), li = out.local_row(j);
      if (li >= 0) column[li] += static_cast<T>(shift[static_cast<arma::uword>(j)]);
    }
  }
}

template <typename T>
void spd_inverse_in_place(BlockCyclicMatrix<T>& A, BlockCyclicMatrix<T>& work) {
  const int n = A.rows();
  if (A.cols() != n || work.rows() != n || work.cols() != n || work.block() != A.block())
    throw Error("spd_inverse_in_place: inconsistent shapes");
  if (n == 0) return;
  int info = 0;
  scalapack::potrf(n, A.local().memptr(), A.desc(), info);
  if (info > 0)
    throw Error("G + Lambda is not positive definite (Cholesky failed at leading minor " + std::to_string(info) +
                " of " + std::to_string(n) + "); increase lambda or p");
  if (info < 0) throw Error("pdpotrf: invalid argument " + std::to_string(-info));
  scalapack::potri(n, A.local().memptr(), A.desc(), info);
  if (info != 0) throw Error("pdpotri failed (info " + std::to_string(info) + "): matrix is singular");
  // work = A^T holds the upper triangle's values at the lower positions, in A's distribution.
  scalapack::tran(n, n, A.local().memptr(), A.desc(), work.local().memptr(), work.desc());
  for (int lj = 0; lj < A.local_cols(); ++lj) {
    const int j = A.global_col(lj);
    for (int li = 0; li < A.local_rows(); ++li)
      if (A.global_row(li) > j) A.local().at(li, lj) = work.local().at(li, lj);
  }
}

template <typename T>
void shrunk_gram_in_place(BlockCyclicMatrix<T>& GL, const BlockCyclicMatrix<T>& C, const arma::vec& s) {
  if (GL.rows() != C.rows() || GL.cols() != C.cols() || GL.block() != C.block() ||
      s.n_elem != static_cast<arma::uword>(GL.rows()))
    throw Error("shrunk_gram_in_place: inconsistent shapes");
  for (int lj = 0; lj < GL.local_cols(); ++lj) {
    const int j = GL.global_col(lj);
    const double sj = s[static_cast<arma::uword>(j)];
    T* out = GL.local().colptr(static_cast<arma::uword>(lj));
    const T* c = C.local().colptr(static_cast<arma::uword>(lj));
    for (int li = 0; li < GL.local_rows(); ++li) {
      const int i = GL.global_row(li);
      out[li] += static_cast<T>(s[static_cast<arma::uword>(i)] * static_cast<double>(c[li]) * sj);
      if (i == j) out[li] -= static_cast<T>(2.0 * sj);
    }
  }
}

namespace {

// pdsyevr gives its back-transformation (pdormtr) a workspace of max(18 n, np0 mq0 + 2 nb^2)
// (ScaLAPACK 2.2.1, SRC/pdsyevr.f, SIZE1), whatever lwork the caller passes; pdormtr needs
// max(nb(nb-1)/2, (mq0 + np0) nb) + nb^2, more when the block is large against the wanted columns
// per process column. pdormtr then prints an illegal-argument line and leaves the vectors of the
// tridiagonal matrix in place with info = 0. Asking for more pairs enlarges the workspace; this is
// the fewest, >= k, for which it suffices.
int pairs_pdormtr_can_take(int n, int k, int nb, int nprow, int npcol) {
  const int zero = 0;
  const long long np0 = numroc_(&n, &nb, &zero, &zero, &nprow);
  for (int m = k; m < n; ++m) {
    const long long mq0 = numroc_(&m, &nb, &zero, &zero, &npcol);
    const long long given = std::max<long long>(18LL * n, np0 * mq0 + 2LL * nb * nb);
    const long long needed = std::max<long long>(nb * (nb - 1LL) / 2, (mq0 + np0) * nb) + 1LL * nb * nb;
    if (given >= needed) return m;
  }
  return n;
}

}  // namespace

template <typename T>
arma::vec top_eigenpairs(BlockCyclicMatrix<T>& A, int k, BlockCyclicMatrix<T>& vectors) {
  const int n = A.rows();
  if (k < 1 || k > n) throw Error("top_eigenpairs: k = " + std::to_string(k) + " outside 1.." + std::to_string(n));
  if (vectors.rows() != n || vectors.cols() != n || vectors.block() != A.block())
    throw Error("top_eigenpairs: the vectors matrix must be n x n in A's distribution");
  const int m = pairs_pdormtr_can_take(n, k, A.block(), A.grid().rows(), A.grid().cols());
  int found = 0, found_vectors = 0, info = 0;
  std::vector<T> w(static_cast<std::size_t>(n));
  // Workspace query first (lwork = liwork = -1), then the run.
  T work_query = 0;
  int iwork_query = 0;
  scalapack::syevr(n, A.local().memptr(), A.desc(), n - m + 1, n, found, found_vectors, w.data(),
                   vectors.local().memptr(), vectors.desc(), &work_query, -1, &iwork_query, -1, info);
  if (info != 0) throw Error("pdsyevr workspace query failed (info " + std::to_string(info) + ")");
  std::vector<T> work(static_cast<std::size_t>(work_query) + 1);
  std::vector<int> iwork(static_cast<std::size_t>(std::max(1, iwork_query)));
  scalapack::syevr(n, A.local().memptr(), A.desc(), n - m + 1, n, found, found_vectors, w.data(),
                   vectors.local().memptr(), vectors.desc(), work.data(), static_cast<int>(work.size()), iwork.data(),
                   static_cast<int>(iwork.size()), info);
  if (info != 0) throw Error("pdsyevr failed (info " + std::to_string(info) + ")");
  if (found != m || found_vectors != m)
    throw Error("pdsyevr returned " + std::to_string(found) + " eigenpairs, " + std::to_string(m) + " requested");
  return arma::conv_to<arma::vec>::from(std::vector<T>(w.begin(), w.begin() + m));
}

template <typename T>
void shrinkage_model_in_place(BlockCyclicMatrix<T>& C, const arma::vec& s, bool zero_diagonal) {
  for (int lj = 0; lj < C.local_cols(); ++lj) {
    const int j = C.global_col(lj);
    const T scale = static_cast<T>(-s[static_cast<arma::uword>(j)]);
    T* column = C.local().colptr(static_cast<arma::uword>(lj));
    for (int li = 0; li < C.local_rows(); ++li) column[li] *= scale;
    const int li = C.local_row(j);
    if (li >= 0) column[li] = zero_diagonal ? T(0) : column[li] + T(1);
  }
}

#define AELAB_DISTRIBUTED_LINALG(T)                                                               \
  template void distributed_gram<T>(const BinaryCsr&, BlockCyclicMatrix<T>&, const arma::vec&);  \
  template void spd_inverse_in_place<T>(BlockCyclicMatrix<T>&, BlockCyclicMatrix<T>&);            \
  template void shrunk_gram_in_place<T>(BlockCyclicMatrix<T>&, const BlockCyclicMatrix<T>&,       \
                                        const arma::vec&);                                        \
  template arma::vec top_eigenpairs<T>(BlockCyclicMatrix<T>&, int, BlockCyclicMatrix<T>&);        \
  template void shrinkage_model_in_place<T>(BlockCyclicMatrix<T>&, const arma::vec&, bool);
AELAB_DISTRIBUTED_LINALG(float)
AELAB_DISTRIBUTED_LINALG(double)
#undef AELAB_DISTRIBUTED_LINALG

}  // namespace aelab::distributed
