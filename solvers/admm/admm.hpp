#pragma once
// The `admm` solver: low-rank EDLAE (Eq. 7) by the ADMM updates of the EDLAE code (docs/MATH.md,
// "ADMM"), updates in admm_updates.hpp; at rank "full" the closed form B^. One run yields both the
// published model (the last epoch) and the best epoch by Eq. 7 (keep_best), which fit_variants hands
// out together so that comparing them costs one run.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

std::unique_ptr<Solver> make_admm_solver();

}  // namespace aelab
