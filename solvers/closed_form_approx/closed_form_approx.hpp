#pragma once
// The `closed_form_approx` solver: Algorithm 1, the closed-form approximation of low-rank EDLAE.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_closed_form_approx_solver();

}  // namespace aelab
