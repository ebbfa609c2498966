#include "core/linalg/random_start.hpp"

#include <random>

namespace aelab {

template <typename T>
arma::Mat<T> gaussian_start(arma::uword rows, arma::uword cols, double stddev, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, stddev);
  arma::Mat<T> M(rows, cols);
  for (arma::uword i = 0; i < M.n_elem; ++i) M[i] = static_cast<T>(normal(engine));
  return M;
}

template arma::Mat<float> gaussian_start<float>(arma::uword, arma::uword, double, std::uint64_t);
template arma::Mat<double> gaussian_start<double>(arma::uword, arma::uword, double, std::uint64_t);

}  // namespace aelab
