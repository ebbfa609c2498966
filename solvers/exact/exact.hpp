#pragma once
// The `exact` solver: low-rank EDLAE (Eq. 7) minimised to a stationary point by L-BFGS.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_exact_solver();

}  // namespace aelab
