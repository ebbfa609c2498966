#include "solvers/builtin.hpp"

#include "solvers/admm/admm.hpp"
#include "solvers/closed_form_approx/closed_form_approx.hpp"
#include "solvers/exact/exact.hpp"
#include "solvers/mlp/mlp.hpp"
#include "solvers/popularity/popularity.hpp"
#include "solvers/unconstrained/unconstrained.hpp"
#include "solvers/zero_diagonal/zero_diagonal.hpp"

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
