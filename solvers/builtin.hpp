#pragma once
// The one place built-in solvers are registered (explicitly: static initialisers would vanish from a
// static library). Each solver lives in its own folder under solvers/ and exposes one factory here.
#include <memory>

#include "core/solver/registry.hpp"

namespace aelab {

std::unique_ptr<Solver> make_popularity_solver();
std::unique_ptr<Solver> make_unconstrained_solver();       // SPEC 2.1
std::unique_ptr<Solver> make_closed_form_approx_solver();  // SPEC 2.5, Algorithm 1
std::unique_ptr<Solver> make_zero_diagonal_solver();       // SPEC 2.3 (ALS), full rank 2.2
std::unique_ptr<Solver> make_admm_solver();                // SPEC 2.4 (published ADMM), full rank 2.2
std::unique_ptr<Solver> make_exact_solver();               // Eq. 7 to a stationary point (issue 7)
std::unique_ptr<Solver> make_mlp_solver();                 // SPEC 2.6, solvers/mlp

// Adds every built-in solver to `registry`.
void register_builtin_solvers(Registry& registry);

// A registry holding the built-in solvers (what the CLI uses).
Registry builtin_registry();

}  // namespace aelab
