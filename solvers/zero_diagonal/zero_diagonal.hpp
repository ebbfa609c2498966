#pragma once
// The `zero_diagonal` solver: low rank with diag(UV^T) = 0 by ALS; full rank the closed form B^.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_zero_diagonal_solver();

}  // namespace aelab
