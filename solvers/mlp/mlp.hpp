#pragma once
// The `mlp` solver: a deep nonlinear autoencoder with a linear output layer.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_mlp_solver();

}  // namespace aelab
