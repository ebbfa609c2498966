#pragma once
// The one place built-in solvers are registered (explicitly: static initialisers would vanish from a
// static library). Each solver lives in its own folder under solvers/ with a header declaring its
// factory; only programs (cli/, tests, benchmarks, examples) build a registry from this file, and
// library code receives the registry it should use.
#include "core/solver/registry.hpp"

namespace aelab {

// Adds every built-in solver to `registry`.
void register_builtin_solvers(Registry& registry);

// A registry holding the built-in solvers (what the CLI uses).
Registry builtin_registry();

}  // namespace aelab
