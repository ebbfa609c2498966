#pragma once
// The `popularity` solver: item training counts, the same ranking for every user.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_popularity_solver();

}  // namespace aelab
