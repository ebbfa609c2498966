#pragma once
// The `unconstrained` solver: the low-rank linear AE with dropout-style L2 in closed form.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_unconstrained_solver();

}  // namespace aelab
