#include "core/eval/reconstruction_error.hpp"

#include <algorithm>

#include "core/util/error.hpp"

namespace aelab {

double squared_error(const FittedModel& model, const BinaryCsr& X, std::size_t batch_users) {
  if (model.n_items() != X.n_cols())
    throw Error("squared_error: model has " + std::to_string(model.n_items()) + " items but the data have " +
                std::to_string(X.n_cols()));
  const std::size_t n = std::max<std::size_t>(X.n_cols(), 1);
  if (batch_users == 0) batch_users = std::max<std::size_t>(1, (std::size_t(64) << 20) / (8 * n));
  double total = static_cast<double>(X.nnz());  // ||X||_F^2 of a binary matrix
  arma::mat F;
  for (std::size_t begin = 0; begin < X.n_rows(); begin += batch_users) {
    const std::size_t end = std::min(X.n_rows(), begin + batch_users);
    model.score(X, begin, end, F);
    double inner = 0;  // <X_b, F_b>: a gather over the batch's non-zeros
    for (std::size_t u = begin; u < end; ++u) {
      const double* f = F.colptr(u - begin);
      for (std::uint32_t j : X.row(u)) inner += f[j];
    }
    total += arma::dot(F, F) - 2 * inner;
  }
  return total;
}

}  // namespace aelab
