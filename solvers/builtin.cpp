#include "solvers/builtin.hpp"

#include "solvers/admm/admm.hpp"
#include "solvers/closed_form/closed_form.hpp"
#include "solvers/exact/exact.hpp"
#include "solvers/mlp/mlp.hpp"
#include "solvers/popularity/popularity.hpp"
#include "solvers/zero_diagonal/zero_diagonal.hpp"

namespace aelab {

// The order is the order of default comparison lists (the approximation gap compares the Eq. 7
// models in this order): Figure 1's red, black, green and blue lines.
void register_builtin_solvers(Registry& registry) {
  registry.add(make_popularity_solver());
  registry.add(make_closed_form_approx_solver());
  registry.add(make_admm_solver());
  registry.add(make_zero_diagonal_solver());
  registry.add(make_unconstrained_solver());
  registry.add(make_exact_solver());
  registry.add(make_mlp_solver());
}

Registry builtin_registry() {
  Registry registry;
  register_builtin_solvers(registry);
  return registry;
}

}  // namespace aelab
