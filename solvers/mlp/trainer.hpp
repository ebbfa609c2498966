#pragma once
// Mini-batch Adam training of an MLP autoencoder on the training users, with a per-epoch trace
// (training SE on the whole training set, validation nDCG@100 when validation users are given, wall
// time), optional early stopping on validation nDCG@100 with best-epoch restore, and an optional
// convergence stop on the training SE.
//
// Objective (Eq. 1 with optional L2 and input dropout): J = SE(X) + weight_decay * sum_l ||W_l||_F^2
// (biases unpenalised; weight_decay on the same scale as the linear solvers' lambda). A mini-batch B of
// the m users estimates J/m without bias as SE(B)/|B| + (weight_decay/m) sum_l ||W_l||^2, which is what
// the gradient steps follow (scaling J by 1/m keeps Adam's steps independent of m; Adam is otherwise
// invariant to the scale). Under input dropout the network sees the dropped row and is asked to
// reconstruct the clean one (denoising); every reported SE is the clean SE without dropout.
//
// Reproducibility: the seed fixes the initial weights, the user order of every epoch and the dropout
// masks (three independent std::mt19937_64 streams); with the same BLAS thread count the final loss is
// the same bit for bit.
#include <cstdint>
#include <functional>
#include <string>


#include "core/data/binary_csr.hpp"
#include "core/data/split_data.hpp"
#include "solvers/mlp/adam.hpp"
#include "solvers/mlp/mlp_model.hpp"

namespace aelab::mlp {

struct MlpTrainingOptions {
  AdamSettings adam;
  double lr_decay = 1;           // the learning rate is multiplied by this after every epoch
  std::size_t batch_size = 256;  // users per mini-batch
  std::size_t epochs = 100;      // at most
  std::uint64_t seed = 1;
  double weight_decay = 0;
  double dropout = 0;            // input dropout probability
  std::size_t patience = 0;      // > 0: stop after this many epochs without a better validation nDCG@100
  double converge_tol = 0;       // > 0: stop when SE fell by less than this fraction over converge_window epochs
  std::size_t converge_window = 10;
};

// Seed streams: the network initialisation uses seed_stream(seed, 0).
std::uint64_t seed_stream(std::uint64_t seed, std::uint64_t stream);

// Trains model.network() in place on the rows of X and fills model.report(): the trace (per epoch the
// training SE, lr, train_seconds, validation_ndcg@100 when `validation`, seconds), the stop reason
// ("epochs", "early_stopping" or "converged"), the best epoch (with patience), the objective
// (SE + weight decay) of the returned weights with facts training_se and optimizer_steps, seconds.
// Throws aelab::Error when the training SE becomes non-finite (a diverged run is never returned as a
// model), or when patience > 0 without validation users.
template <typename T>
void train_mlp(MlpModel<T>& model, const BinaryCsr& X, const MlpTrainingOptions& options,
                         const HeldOutSet* validation, const std::function<void(const std::string&)>& log);

}  // namespace aelab::mlp
