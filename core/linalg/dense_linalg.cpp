#include "core/linalg/dense_linalg.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/linalg/blas.hpp"
#include "core/util/error.hpp"

namespace aelab {

template <typename T>
void dense_gram(const BinaryCsr& X, arma::Mat<T>& G, int threads) {
  const std::size_t n = X.n_cols();
  // Users of each item (CSC), so that column j of G is built from the rows that contain j only.
  std::vector<std::uint64_t> col_ptr(n + 1, 0);
  for (std::uint32_t c : X.col_idx()) ++col_ptr[c + 1];
  for (std::size_t j = 0; j < n; ++j) col_ptr[j + 1] += col_ptr[j];
  std::vector<std::uint32_t> users(X.nnz());
  {
    std::vector<std::uint64_t> next(col_ptr.begin(), col_ptr.end() - 1);
    for (std::size_t u = 0; u < X.n_rows(); ++u)
      for (std::uint32_t c : X.row(u)) users[next[c]++] = static_cast<std::uint32_t>(u);
  }
  G.zeros(n, n);
  // Column j, rows a <= j: G(a, j) = #users holding both. The column (n values) stays in cache while
  // the users of item j add their items; rows are sorted, so each user's loop stops at j.
  std::atomic<std::size_t> next_column{0};
  auto worker = [&]() {
    constexpr std::size_t chunk = 8;
    for (;;) {
      const std::size_t first = next_column.fetch_add(chunk);
      if (first >= n) return;
      for (std::size_t j = first; j < std::min(n, first + chunk); ++j) {
        T* column = G.colptr(j);
        for (std::uint64_t i = col_ptr[j]; i < col_ptr[j + 1]; ++i)
          for (std::uint32_t a : X.row(users[i])) {
            if (a > j) break;
            column[a] += T(1);
          }
      }
    }
  };
  int n_threads = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  n_threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(n_threads), std::max<std::size_t>(1, n / 64)));
  std::vector<std::thread> pool;
  for (int t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  symmetrize_from_upper(G);
}

arma::vec item_counts(const BinaryCsr& X) {
  const auto counts = X.column_counts();
  return arma::conv_to<arma::vec>::from(std::vector<double>(counts.begin(), counts.end()));
}

arma::vec lambda_diagonal(const arma::vec& item_counts, double lambda, double p) {
  if (!(lambda >= 0)) throw Error("lambda must be >= 0, got " + std::to_string(lambda));
  if (!(p >= 0 && p < 1)) throw Error("p must be in [0, 1), got " + std::to_string(p));
  return lambda + (p / (1.0 - p)) * item_counts;
}

template <typename T>
void symmetrize_from_upper(arma::Mat<T>& A) {
  const arma::uword n = A.n_rows;
  constexpr arma::uword block = 64;
  for (arma::uword jb = 0; jb < n; jb += block)
    for (arma::uword ib = jb; ib < n; ib += block) {
      // Lower block (ib.., jb..) <- transpose of upper block (jb.., ib..).
      const arma::uword i_end = std::min(n, ib + block), j_end = std::min(n, jb + block);
      for (arma::uword j = jb; j < j_end; ++j) {
        T* dst = A.colptr(j);
        for (arma::uword i = std::max(ib, j + 1); i < i_end; ++i) dst[i] = A.at(j, i);
      }
    }
}

template <typename T>
void shrunk_gram_in_place(arma::Mat<T>& GL, const arma::Mat<T>& C, const arma::vec& s) {
  const arma::uword n = GL.n_rows;
  if (GL.n_cols != n || C.n_rows != n || C.n_cols != n || s.n_elem != n)
    throw Error("shrunk_gram_in_place: inconsistent shapes");
  const arma::Col<T> st = arma::conv_to<arma::Col<T>>::from(s);
  const T* sp = st.memptr();
  // One streaming pass over both matrices, column by column (vectorised inner loop).
  for (arma::uword j = 0; j < n; ++j) {
    T* out = GL.colptr(j);
    const T* c = C.colptr(j);
    const T sj = sp[j];
    for (arma::uword i = 0; i < n; ++i) out[i] += sp[i] * c[i] * sj;
    out[j] -= T(2) * sj;
  }
}

template <typename T>
void cholesky_in_place(arma::Mat<T>& A, char uplo) {
  if (A.n_rows != A.n_cols) throw Error("cholesky_in_place: matrix is not square");
  if (A.n_rows > static_cast<arma::uword>(std::numeric_limits<int>::max()))
    throw Error("cholesky_in_place: matrix too large for 32-bit LAPACK");
  const int n = static_cast<int>(A.n_rows);
  if (n == 0) return;
  int info = 0;
  lapack::potrf(uplo, n, A.memptr(), n, info);
  if (info > 0)
    throw Error("G + Lambda is not positive definite (Cholesky failed at leading minor " + std::to_string(info) +
                " of " + std::to_string(n) + "); increase lambda or p");
  if (info < 0) throw Error("potrf: invalid argument " + std::to_string(-info));
}

template <typename T>
void spd_inverse_in_place(arma::Mat<T>& A) {
  cholesky_in_place(A, 'U');
  const int n = static_cast<int>(A.n_rows);
  if (n == 0) return;
  int info = 0;
  lapack::potri('U', n, A.memptr(), n, info);
  if (info != 0) throw Error("potri failed (info " + std::to_string(info) + "): matrix is singular");
  symmetrize_from_upper(A);
}

template void dense_gram<float>(const BinaryCsr&, arma::Mat<float>&, int);
template void dense_gram<double>(const BinaryCsr&, arma::Mat<double>&, int);
template void symmetrize_from_upper<float>(arma::Mat<float>&);
template void symmetrize_from_upper<double>(arma::Mat<double>&);
template void shrunk_gram_in_place<float>(arma::Mat<float>&, const arma::Mat<float>&, const arma::vec&);
template void shrunk_gram_in_place<double>(arma::Mat<double>&, const arma::Mat<double>&, const arma::vec&);
template void cholesky_in_place<float>(arma::Mat<float>&, char);
template void cholesky_in_place<double>(arma::Mat<double>&, char);
template void spd_inverse_in_place<float>(arma::Mat<float>&);
template void spd_inverse_in_place<double>(arma::Mat<double>&);

}  // namespace aelab
