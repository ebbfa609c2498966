#include "solvers/mlp/mlp_model.hpp"

#include <type_traits>

#include "core/util/error.hpp"
#include "solvers/mlp/sparse_batch.hpp"

namespace aelab::mlp {

template <typename T>
void MlpModel<T>::score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const {
  if (fold_in.n_cols() != n_items())
    throw Error("mlp: model has " + std::to_string(n_items()) + " items but the fold-in rows have " +
                std::to_string(fold_in.n_cols()));
  const arma::SpMat<T> input = user_range_as_columns<T>(fold_in, begin, end);
  if constexpr (std::is_same_v<T, double>) {
    network_.predict(input, scores);
  } else {
    arma::Mat<T> output;
    network_.predict(input, output);
    scores = arma::conv_to<arma::mat>::from(output);
  }
}

template class MlpModel<float>;
template class MlpModel<double>;

}  // namespace aelab::mlp
