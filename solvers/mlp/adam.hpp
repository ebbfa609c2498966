#pragma once
// Adam (Kingma & Ba 2015) over the layers of an MLP, in the form PyTorch's torch.optim.Adam uses:
//   m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
//   theta <- theta - lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)
// written as theta -= alpha_t m / (sqrt(v) + eps sqrt(1 - b2^t)), alpha_t = lr sqrt(1 - b2^t) / (1 - b1^t),
// which is the same number with one fewer pass over v. Whole-matrix Armadillo expressions.
#include "solvers/mlp/network.hpp"

namespace aelab::mlp {

struct AdamSettings {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

template <typename T>
class Adam {
 public:
  // Moment buffers shaped like `layers`, zero.
  Adam(const AdamSettings& settings, const Layers<T>& layers);
  // One update of every weight and bias with learning rate `lr` (the settings' lr after any decay).
  void step(Layers<T>& layers, const Layers<T>& gradient, double lr);
  std::size_t steps() const { return t_; }

 private:
  void update(arma::Mat<T>& theta, const arma::Mat<T>& g, arma::Mat<T>& m, arma::Mat<T>& v, T alpha, T eps_hat) const;

  AdamSettings settings_;
  Layers<T> m_, v_;
  std::size_t t_ = 0;
};

}  // namespace aelab::mlp
