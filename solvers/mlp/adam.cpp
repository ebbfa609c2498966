#include "solvers/mlp/adam.hpp"

#include <cmath>

#include "core/util/error.hpp"

namespace aelab::mlp {

template <typename T>
Adam<T>::Adam(const AdamSettings& settings, const Layers<T>& layers) : settings_(settings) {
  for (const auto& layer : layers) {
    DenseLayer<T> zero;
    zero.weight.zeros(arma::size(layer.weight));
    zero.bias.zeros(layer.bias.n_elem);
    m_.push_back(zero);
    v_.push_back(std::move(zero));
  }
}

template <typename T>
void Adam<T>::update(arma::Mat<T>& theta, const arma::Mat<T>& g, arma::Mat<T>& m, arma::Mat<T>& v, T alpha,
                     T eps_hat) const {
  const T b1 = static_cast<T>(settings_.beta1), b2 = static_cast<T>(settings_.beta2);
  m = b1 * m + (T(1) - b1) * g;
  v = b2 * v + (T(1) - b2) * arma::square(g);
  theta -= alpha * (m / (arma::sqrt(v) + eps_hat));
}

template <typename T>
void Adam<T>::step(Layers<T>& layers, const Layers<T>& gradient, double lr) {
  if (layers.size() != m_.size() || gradient.size() != m_.size()) throw Error("adam: layer count changed");
  ++t_;
  const double c1 = 1 - std::pow(settings_.beta1, static_cast<double>(t_));
  const double c2 = 1 - std::pow(settings_.beta2, static_cast<double>(t_));
  const T alpha = static_cast<T>(lr * std::sqrt(c2) / c1);
  const T eps_hat = static_cast<T>(settings_.eps * std::sqrt(c2));
  for (std::size_t l = 0; l < layers.size(); ++l) {
    update(layers[l].weight, gradient[l].weight, m_[l].weight, v_[l].weight, alpha, eps_hat);
    if (!layers[l].bias.is_empty()) {
      // Col<T> is a Mat<T>: the same expression updates the bias vector.
      update(layers[l].bias, gradient[l].bias, m_[l].bias, v_[l].bias, alpha, eps_hat);
    }
  }
}

template class Adam<float>;
template class Adam<double>;

}  // namespace aelab::mlp
