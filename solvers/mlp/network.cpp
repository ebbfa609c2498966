#include "solvers/mlp/network.hpp"

#include <cmath>
#include <random>
#include <type_traits>

#include "core/util/error.hpp"
#include "solvers/mlp/sparse_batch.hpp"

namespace aelab::mlp {

namespace {

// ||M||_F^2 accumulated in double, whatever the precision of M.
template <typename T>
double squared_norm(const arma::Mat<T>& M) {
  if constexpr (std::is_same_v<T, double>) {
    return arma::dot(M, M);
  } else {
    const arma::mat wide = arma::conv_to<arma::mat>::from(M);
    return arma::dot(wide, wide);
  }
}

// grad (h x n) <- delta (h x b) * input^T for a sparse n x b input: column j of grad accumulates
// value * delta.col(c) for each non-zero (j, c); only the batch's items get non-zero columns. Written
// out (rather than Armadillo's dense x sparse product, which returns a fresh matrix) so the h x n
// gradient reuses its memory across mini-batches instead of faulting in new pages every time.
template <typename T>
void accumulate_outer_with_sparse(const arma::Mat<T>& delta, const arma::SpMat<T>& input, arma::Mat<T>& grad) {
  grad.zeros(delta.n_rows, input.n_rows);
  input.sync();
  for (arma::uword c = 0; c < input.n_cols; ++c)
    for (arma::uword e = input.col_ptrs[c]; e < input.col_ptrs[c + 1]; ++e)
      grad.col(input.row_indices[e]) += input.values[e] * delta.col(c);
}

}  // namespace

std::vector<std::size_t> MlpArchitecture::widths() const {
  std::vector<std::size_t> w{n_items};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(rank);
  w.push_back(n_items);
  return w;
}

std::size_t MlpArchitecture::parameter_count() const {
  const auto w = widths();
  std::size_t count = 0;
  for (std::size_t l = 0; l + 1 < w.size(); ++l) {
    const bool has_bias = l + 2 < w.size() || output_bias;
    count += w[l + 1] * w[l] + (has_bias ? w[l + 1] : 0);
  }
  return count;
}

template <typename T>
MlpNetwork<T>::MlpNetwork(const MlpArchitecture& architecture, std::uint64_t seed) : architecture_(architecture) {
  const auto w = architecture.widths();
  for (std::size_t width : w)
    if (width == 0) throw Error("mlp: every layer needs a positive width (items, hidden, rank)");
  std::mt19937_64 rng(seed);
  for (std::size_t l = 0; l + 1 < w.size(); ++l) {
    DenseLayer<T> layer;
    const double a = std::sqrt(6.0 / static_cast<double>(w[l] + w[l + 1]));
    arma::Mat<double> weight(w[l + 1], w[l]);
    // Initialisation only (not a hot path): one draw per weight in column-major order, so the
    // network of a seed is the same on every platform.
    for (double& x : weight) x = a * (2.0 * uniform01(rng) - 1.0);
    layer.weight = arma::conv_to<arma::Mat<T>>::from(weight);
    const bool is_output = l + 2 == w.size();
    if (!is_output || architecture.output_bias) layer.bias.zeros(w[l + 1]);
    layers_.push_back(std::move(layer));
  }
}

template <typename T>
void MlpNetwork<T>::forward(const arma::SpMat<T>& input, MlpWorkspace<T>& ws) const {
  if (input.n_rows != architecture_.n_items) throw Error("mlp: input rows do not match the number of items");
  const std::size_t n_hidden = layers_.size() - 1;
  ws.activations.resize(n_hidden);
  for (std::size_t l = 0; l < n_hidden; ++l) {
    arma::Mat<T>& a = ws.activations[l];
    if (l == 0) a = layers_[0].weight * input;  // dense x sparse: sums the columns of W1 of each user's items
    else a = layers_[l].weight * ws.activations[l - 1];
    a.each_col() += layers_[l].bias;
    activate_in_place(architecture_.activation, a);
  }
  const DenseLayer<T>& out = layers_.back();
  ws.output = out.weight * ws.activations.back();
  if (!out.bias.is_empty()) ws.output.each_col() += out.bias;
}

template <typename T>
void MlpNetwork<T>::predict(const arma::SpMat<T>& input, arma::Mat<T>& output) const {
  MlpWorkspace<T> ws;
  forward(input, ws);
  output = std::move(ws.output);
}

template <typename T>
double MlpNetwork<T>::gradient(const arma::SpMat<T>& input, const arma::SpMat<T>& target, double se_scale,
                               double decay, Layers<T>& gradient, MlpWorkspace<T>& ws, bool compute_value) const {
  if (target.n_rows != input.n_rows || target.n_cols != input.n_cols)
    throw Error("mlp: input and target batches differ in shape");
  forward(input, ws);
  gradient.resize(layers_.size());

  // dJ/d(output) = 2 se_scale (f - x), formed in the output buffer (the buffers swap roles, so no
  // n x b matrix is allocated per mini-batch).
  ws.output -= target;
  ws.delta.swap(ws.output);
  arma::Mat<T>& delta = ws.delta;
  double value = 0;
  if (compute_value) value = se_scale * squared_norm(delta) + decay * weight_norm_squared();
  delta *= static_cast<T>(2 * se_scale);

  const Activation act = architecture_.activation;
  for (std::size_t l = layers_.size(); l-- > 0;) {
    // delta holds dJ/d(pre-activation of layer l); the layer's input is activation l - 1 (or the input).
    if (l == 0) accumulate_outer_with_sparse(delta, input, gradient[l].weight);
    else gradient[l].weight = delta * ws.activations[l - 1].t();
    if (decay != 0) gradient[l].weight += static_cast<T>(2 * decay) * layers_[l].weight;
    if (!layers_[l].bias.is_empty()) gradient[l].bias = arma::sum(delta, 1);
    else gradient[l].bias.reset();
    if (l == 0) break;
    ws.delta_below = layers_[l].weight.t() * delta;
    multiply_by_derivative(act, ws.activations[l - 1], ws.delta_below);
    ws.delta.swap(ws.delta_below);
  }
  return value;
}

template <typename T>
double MlpNetwork<T>::weight_norm_squared() const {
  double total = 0;
  for (const auto& layer : layers_) total += squared_norm(layer.weight);
  return total;
}

template class MlpNetwork<float>;
template class MlpNetwork<double>;

}  // namespace aelab::mlp
