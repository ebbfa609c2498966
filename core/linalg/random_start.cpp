#include "core/linalg/random_start.hpp"

#include "core/data/numpy_random.hpp"

namespace aelab {

template <typename T>
arma::Mat<T> gaussian_start(arma::uword rows, arma::uword cols, double stddev, std::uint64_t seed) {
  NumpyRandomState rng(seed);
  arma::Mat<T> M(rows, cols);
  for (arma::uword i = 0; i < rows; ++i)
    for (arma::uword j = 0; j < cols; ++j) M(i, j) = static_cast<T>(rng.normal(0.0, stddev));
  return M;
}

template arma::Mat<float> gaussian_start<float>(arma::uword, arma::uword, double, std::uint64_t);
template arma::Mat<double> gaussian_start<double>(arma::uword, arma::uword, double, std::uint64_t);

}  // namespace aelab
