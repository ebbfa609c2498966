#pragma once
// The policies of the closed-form solver (solvers/closed_form/closed_form.hpp): which diagonal S the
// model W_S = I - C S uses, what its full-rank model is, and how the solver presents itself.
#include <armadillo>

#include "core/solver/solver.hpp"

namespace aelab {

// S = Lambda: the unconstrained linear AE, W = C G at full rank (docs/MATH.md, "Unconstrained").
struct RidgeShrinkage {
  static constexpr const char* name = "unconstrained";
  static constexpr const char* description =
      "low-rank linear AE with dropout-style L2, closed form: U = (I - C Lambda) V, V = top-k eigenvectors of G C G";
  static constexpr const char* full_rank = "the ridge solution I - C Lambda";
  // Besides Eq. 7 the model's own objective (the diagonal included) is reported.
  static constexpr bool reports_own_objective = true;
  // Its full rank keeps the diagonal: not B^.
  static constexpr bool full_rank_is_edlae = false;
  static arma::vec diagonal(const arma::vec& lambda, const arma::vec& c) {
    (void)c;
    return lambda;
  }
  static SolverTraits traits() {
    SolverTraits t;
    t.nested_rank_sweep = true;
    t.uses_shared_inverse = true;
    t.eq7_model = true;
    t.plot_color = "#1f77b4";
    t.shrinkage = ShrinkageForm::lambda;
    t.shrinkage_ranks = true;
    return t;
  }
};

// S = diagMat(1 (/) diag C): Algorithm 1, B^ at full rank (docs/MATH.md, "Algorithm 1").
struct ZeroDiagonalShrinkage {
  static constexpr const char* name = "closed_form_approx";
  static constexpr const char* description =
      "Algorithm 1: rank-k projection of the full-rank zero-diagonal EDLAE B^ onto the top-k eigenvectors of "
      "B^T (G + Lambda) B^";
  static constexpr const char* full_rank = "B^, the full-rank zero-diagonal EDLAE";
  static constexpr bool reports_own_objective = false;
  static constexpr bool full_rank_is_edlae = true;
  static arma::vec diagonal(const arma::vec& lambda, const arma::vec& c) {
    (void)lambda;
    return 1.0 / c;
  }
  static SolverTraits traits() {
    SolverTraits t;
    t.nested_rank_sweep = true;
    t.uses_shared_inverse = true;
    t.eq7_model = true;
    t.plot_color = "#d62728";
    t.shrinkage = ShrinkageForm::inverse_diagonal;
    t.shrinkage_ranks = true;
    return t;
  }
};

}  // namespace aelab
