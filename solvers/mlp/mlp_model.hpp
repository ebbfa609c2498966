#pragma once
// A trained MLP autoencoder as a FittedModel: scores fold-in rows with the network (no dropout),
// users as columns, in the network's precision and returned in double.
#include <nlohmann/json.hpp>

#include "core/solver/solver.hpp"
#include "solvers/mlp/network.hpp"

namespace aelab::mlp {

template <typename T>
class MlpModel : public FittedModel {
 public:
  explicit MlpModel(MlpNetwork<T> network) : network_(std::move(network)) {}
  std::size_t n_items() const override { return network_.architecture().n_items; }
  void score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const override;

  MlpNetwork<T>& network() { return network_; }
  const MlpNetwork<T>& network() const { return network_; }

 private:
  MlpNetwork<T> network_;
};

}  // namespace aelab::mlp
