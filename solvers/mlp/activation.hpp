#pragma once
// Element-wise activations of the MLP's hidden layers, written as whole-matrix Armadillo expressions
// (no scalar loops). Backpropagation needs f'(z); every activation here has a derivative that is a
// function of its output a = f(z), so the forward pass keeps only the activations, not the
// pre-activations:
//   relu      a = max(z, 0)                   f'(z) = 1 if a > 0 else 0   (= sign(a), as a >= 0)
//   tanh      a = tanh(z)                     f'(z) = 1 - a^2
//   sigmoid   a = 1 / (1 + exp(-z))           f'(z) = a (1 - a)
//   elu       a = z if z > 0 else exp(z) - 1  f'(z) = 1 if z > 0 else a + 1  (= min(a, 0) + 1), alpha = 1
//   identity  a = z                           f'(z) = 1
#include <limits>
#include <string>
#include <vector>

#include <armadillo>

#include "core/util/error.hpp"

namespace aelab::mlp {

enum class Activation { relu, tanh, sigmoid, elu, identity };

inline const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"relu", "tanh", "sigmoid", "elu", "identity"};
  return names;
}

inline const char* activation_name(Activation a) {
  switch (a) {
    case Activation::relu: return "relu";
    case Activation::tanh: return "tanh";
    case Activation::sigmoid: return "sigmoid";
    case Activation::elu: return "elu";
    case Activation::identity: return "identity";
  }
  return "?";
}

inline Activation parse_activation(const std::string& name) {
  if (name == "relu") return Activation::relu;
  if (name == "tanh") return Activation::tanh;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "elu") return Activation::elu;
  if (name == "identity") return Activation::identity;
  throw Error("activation: expected one of relu, tanh, sigmoid, elu, identity, got \"" + name + "\"");
}

// z <- f(z)
template <typename T>
void activate_in_place(Activation a, arma::Mat<T>& z) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  switch (a) {
    case Activation::relu: z.clamp(T(0), inf); return;
    case Activation::tanh: z = arma::tanh(z); return;
    case Activation::sigmoid: z = T(1) / (T(1) + arma::exp(-z)); return;
    case Activation::elu: z = arma::clamp(z, T(0), inf) + arma::exp(arma::clamp(z, -inf, T(0))) - T(1); return;
    case Activation::identity: return;
  }
}

// grad <- grad % f'(z), with f'(z) expressed through the activation a = f(z).
template <typename T>
void multiply_by_derivative(Activation a, const arma::Mat<T>& activation, arma::Mat<T>& grad) {
  switch (a) {
    case Activation::relu: grad %= arma::sign(activation); return;
    case Activation::tanh: grad %= T(1) - arma::square(activation); return;
    case Activation::sigmoid: grad %= activation % (T(1) - activation); return;
    case Activation::elu: grad %= arma::clamp(activation, T(-1), T(0)) + T(1); return;
    case Activation::identity: return;
  }
}

}  // namespace aelab::mlp
