#pragma once
// The MLP autoencoder of docs/MATH.md §2.6: f(x) = W_out g(x) (+ c), where g maps a user's item row x (length n)
// through hidden layers a_l = act(W_l a_{l-1} + b_l) whose last one has width k (the rank), and the
// output layer W_out (n x k) is linear. Users are columns throughout (batch matrices are width x b),
// matching FittedModel::score. The first layer multiplies a sparse input (see sparse_batch.hpp).
//
// Why f(X) can never beat the rank-k linear autoencoder on training error: every output column is
// W_out times a k-vector (plus c), so f(X) has rank <= k (<= k + 1 with the output bias c), and the
// best rank-k approximation of X in Frobenius norm is the truncated SVD (Eckart-Young), whose error is
// sum_{i>k} s_i^2: SE = ||X - f(X)||_F^2 >= sum_{i>k} s_i(X)^2 (>= sum_{i>k+1} s_i^2 with the bias).
// Hidden-layer biases do not change this; only the output bias adds a rank.
#include <cstdint>
#include <vector>

#include <armadillo>

#include "solvers/mlp/activation.hpp"

namespace aelab::mlp {

struct MlpArchitecture {
  std::size_t n_items = 0;
  std::vector<std::size_t> hidden;  // widths of the hidden layers before the rank-k layer (may be empty)
  std::size_t rank = 0;             // width of the last hidden layer
  Activation activation = Activation::tanh;
  bool output_bias = false;

  // Layer widths from input to output: n, hidden..., rank, n.
  std::vector<std::size_t> widths() const;
  std::size_t parameter_count() const;
};

// One affine layer: out = weight * in + bias. weight is (out x in); bias is empty when absent.
template <typename T>
struct DenseLayer {
  arma::Mat<T> weight;
  arma::Col<T> bias;
};

template <typename T>
using Layers = std::vector<DenseLayer<T>>;

// Buffers of one forward/backward pass, reused across mini-batches.
template <typename T>
struct MlpWorkspace {
  std::vector<arma::Mat<T>> activations;  // outputs of the hidden layers, width_l x b
  arma::Mat<T> output;                    // n x b
  arma::Mat<T> delta, delta_below;        // backpropagated gradients w.r.t. layer pre-activations
};

template <typename T>
class MlpNetwork {
 public:
  // Glorot-uniform weights (U(-a, a), a = sqrt(6 / (fan_in + fan_out))) from a seeded generator,
  // zero biases. Throws aelab::Error on an empty layer.
  MlpNetwork(const MlpArchitecture& architecture, std::uint64_t seed);

  const MlpArchitecture& architecture() const { return architecture_; }
  Layers<T>& layers() { return layers_; }
  const Layers<T>& layers() const { return layers_; }

  // f(input) for the users (columns) of input (n x b, sparse). Fills ws.activations and ws.output.
  void forward(const arma::SpMat<T>& input, MlpWorkspace<T>& ws) const;
  // f(input) into `output` (n x b).
  void predict(const arma::SpMat<T>& input, arma::Mat<T>& output) const;

  // Gradient of the mini-batch objective
  //   J = se_scale * ||target - f(input)||_F^2 + decay * sum_l ||W_l||_F^2   (biases not penalised)
  // with respect to every weight and bias, into `gradient` (same shapes as layers()). input and target
  // differ under input dropout (the target is the clean row). Returns J (accumulated in double) when
  // `compute_value`, else 0.
  double gradient(const arma::SpMat<T>& input, const arma::SpMat<T>& target, double se_scale, double decay,
                  Layers<T>& gradient, MlpWorkspace<T>& ws, bool compute_value = false) const;

  // sum_l ||W_l||_F^2 (in double).
  double weight_norm_squared() const;

 private:
  MlpArchitecture architecture_;
  Layers<T> layers_;
};

}  // namespace aelab::mlp
