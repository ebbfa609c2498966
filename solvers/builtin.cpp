#include "solvers/builtin.hpp"

namespace aelab {

void register_builtin_solvers(Registry& registry) {
  registry.add(make_popularity_solver());
  registry.add(make_unconstrained_solver());
  registry.add(make_closed_form_approx_solver());
  registry.add(make_zero_diagonal_solver());
  registry.add(make_admm_solver());
  registry.add(make_exact_solver());
  registry.add(make_mlp_solver());
}

Registry builtin_registry() {
  Registry registry;
  register_builtin_solvers(registry);
  return registry;
}

}  // namespace aelab
