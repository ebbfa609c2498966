#pragma once
// The `admm` solver (SPEC 2.4) beyond the Solver interface: one run handing out both iterates a
// researcher may want, so that comparing the published behaviour (the last epoch) with early stopping
// at the best epoch (keep_best) costs one run instead of two.
#include <memory>

#include "core/solver/solver.hpp"

namespace aelab {

struct AdmmModels {
  // Exactly the model and diagnostics `admm` gives with keep_best=false and with keep_best=true for
  // the same other parameters (`best` has its own diagnostics: returned_epoch, objective, warnings).
  std::unique_ptr<FittedModel> last, best;
};

// `params`: a validated ParamSet of the `admm` solver; its keep_best is ignored. At rank "full" there
// are no iterations (the model is the closed form B^): `last` holds it and `best` is null.
std::unique_ptr<Solver> make_admm_solver();

AdmmModels fit_admm_last_and_best(FitContext& ctx, const ParamSet& params);

}  // namespace aelab
