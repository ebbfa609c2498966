#include "solvers/mlp/sparse_batch.hpp"

#include "core/util/error.hpp"

namespace aelab::mlp {

namespace {

template <typename T, typename RowAt>
arma::SpMat<T> build_columns(const BinaryCsr& X, std::size_t count, RowAt row_at) {
  std::size_t nnz = 0;
  for (std::size_t c = 0; c < count; ++c) nnz += X.row(row_at(c)).size();
  arma::uvec row_indices(nnz);
  arma::uvec col_ptrs(count + 1);
  std::size_t at = 0;
  col_ptrs(0) = 0;
  for (std::size_t c = 0; c < count; ++c) {
    for (std::uint32_t j : X.row(row_at(c))) row_indices(at++) = j;
    col_ptrs(c + 1) = at;
  }
  return arma::SpMat<T>(row_indices, col_ptrs, arma::Col<T>(nnz, arma::fill::ones), X.n_cols(), count);
}

}  // namespace

template <typename T>
arma::SpMat<T> users_as_columns(const BinaryCsr& X, const std::size_t* rows, std::size_t count) {
  for (std::size_t c = 0; c < count; ++c)
    if (rows[c] >= X.n_rows()) throw Error("users_as_columns: row index out of range");
  return build_columns<T>(X, count, [rows](std::size_t c) { return rows[c]; });
}

template <typename T>
arma::SpMat<T> user_range_as_columns(const BinaryCsr& X, std::size_t begin, std::size_t end) {
  if (begin > end || end > X.n_rows()) throw Error("user_range_as_columns: row range out of bounds");
  return build_columns<T>(X, end - begin, [begin](std::size_t c) { return begin + c; });
}

template <typename T>
arma::SpMat<T> drop_entries(const arma::SpMat<T>& clean, double p, std::mt19937_64& rng) {
  if (p <= 0) return clean;
  clean.sync();  // the CSC arrays below must be current
  const T kept_value = static_cast<T>(1.0 / (1.0 - p));
  arma::uvec row_indices(clean.n_nonzero);
  arma::uvec col_ptrs(clean.n_cols + 1);
  std::size_t at = 0;
  col_ptrs(0) = 0;
  for (arma::uword c = 0; c < clean.n_cols; ++c) {
    for (arma::uword e = clean.col_ptrs[c]; e < clean.col_ptrs[c + 1]; ++e)
      if (uniform01(rng) >= p) row_indices(at++) = clean.row_indices[e];
    col_ptrs(c + 1) = at;
  }
  row_indices.resize(at);
  return arma::SpMat<T>(row_indices, col_ptrs, arma::Col<T>(at, arma::fill::value(kept_value)), clean.n_rows,
                        clean.n_cols);
}

template arma::SpMat<float> users_as_columns<float>(const BinaryCsr&, const std::size_t*, std::size_t);
template arma::SpMat<double> users_as_columns<double>(const BinaryCsr&, const std::size_t*, std::size_t);
template arma::SpMat<float> user_range_as_columns<float>(const BinaryCsr&, std::size_t, std::size_t);
template arma::SpMat<double> user_range_as_columns<double>(const BinaryCsr&, std::size_t, std::size_t);
template arma::SpMat<float> drop_entries<float>(const arma::SpMat<float>&, double, std::mt19937_64&);
template arma::SpMat<double> drop_entries<double>(const arma::SpMat<double>&, double, std::mt19937_64&);

}  // namespace aelab::mlp
