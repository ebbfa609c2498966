// Dense top-k eigenpairs: LAPACK syevr restricted to the index range of the k largest eigenvalues.
// Cost: the tridiagonal reduction (4/3 n^3, half of it memory-bound symv) plus 2 n^2 k for the
// back-transformation of the wanted vectors only; workspace 26 n + 10 n integers, so unlike syevd
// it has no n^2 workspace (which overflows 32-bit LAPACK at n = 41,140, docs/BENCHMARKS.md).
#include <algorithm>
#include <vector>

#include "core/linalg/blas.hpp"
#include "core/linalg/eigen_methods.hpp"
#include "core/util/error.hpp"

namespace aelab::eigen_detail {

template <typename T>
void dense_top(arma::Mat<T>& M, std::size_t want, TopEigenpairs<T>& out) {
  const int n = static_cast<int>(M.n_rows);
  const int il = n - static_cast<int>(want) + 1, iu = n;
  arma::Col<T> w(M.n_rows);
  out.vectors.set_size(M.n_rows, want);
  std::vector<int> isuppz(2 * want);
  int found = 0, info = 0;
  T work_query = 0;
  int iwork_query = 0;
  lapack::syevr('V', 'I', 'U', n, M.memptr(), n, T(0), T(0), il, iu, T(0), found, w.memptr(), out.vectors.memptr(), n,
                isuppz.data(), &work_query, -1, &iwork_query, -1, info);
  if (info != 0) throw Error("syevr workspace query failed (info " + std::to_string(info) + ")");
  const int lwork = static_cast<int>(work_query) + 1, liwork = iwork_query;
  std::vector<T> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  lapack::syevr('V', 'I', 'U', n, M.memptr(), n, T(0), T(0), il, iu, T(0), found, w.memptr(), out.vectors.memptr(), n,
                isuppz.data(), work.data(), lwork, iwork.data(), liwork, info);
  if (info != 0) throw Error("syevr failed (info " + std::to_string(info) + ")");
  if (found != static_cast<int>(want))
    throw Error("syevr returned " + std::to_string(found) + " eigenpairs instead of " + std::to_string(want));
  // LAPACK orders ascending; callers get descending.
  out.values.set_size(want);
  for (std::size_t i = 0; i < want; ++i) out.values[i] = w[want - 1 - i];
  for (std::size_t i = 0; i < want / 2; ++i) out.vectors.swap_cols(i, want - 1 - i);
  out.iterations = 0;
  out.matrix_products = 0;
  out.max_residual = arma::datum::nan;  // M was overwritten by the reduction; syevr is backward stable
}

template void dense_top<float>(arma::fmat&, std::size_t, TopEigenpairs<float>&);
template void dense_top<double>(arma::mat&, std::size_t, TopEigenpairs<double>&);

}  // namespace aelab::eigen_detail
