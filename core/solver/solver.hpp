#pragma once
// The solver plugin interface. A Solver is a stateless, named recipe with a parameter specification
// and traits that say what shared algebra it uses; `fit` trains on the training users of a FitContext
// and returns a FittedModel that scores fold-in rows and carries a typed FitReport. Built-in solvers
// are registered explicitly (solvers/builtin.hpp); a downstream program adds its own through the same
// Registry (examples/custom_solver), and every lookup goes through the registry it was given.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <armadillo>

#include "core/data/binary_csr.hpp"
#include "core/data/split_data.hpp"
#include "core/linalg/dtype.hpp"
#include "core/linalg/regularizer.hpp"
#include "core/solver/fit_report.hpp"
#include "core/solver/params.hpp"

namespace aelab {

class LinalgCache;
class Registry;

// A trained model. Scores are computed for a batch of fold-in rows and written one user per column
// (scores.col(u) is the score vector of row begin + u) so each user's ranking reads contiguous memory.
class FittedModel {
 public:
  virtual ~FittedModel() = default;
  virtual std::size_t n_items() const = 0;
  // scores is resized to n_items() x (end - begin). Fold-in items are not masked here (metrics do it).
  virtual void score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const = 0;
  const FitReport& report() const { return report_; }
  FitReport& report() { return report_; }

 private:
  FitReport report_;
};

// What a fit may use besides its parameters.
struct FitContext {
  explicit FitContext(LinalgCache& linalg_cache) : linalg(linalg_cache) {}
  const BinaryCsr& train() const;

  LinalgCache& linalg;                     // training matrix, Gram matrix and inverses, shared across fits
  const Registry* registry = nullptr;      // where the solver was found: solvers that build on others look them up here
  Dtype dtype = Dtype::float64;            // precision of all dense work
  bool force_memory = false;               // fit even when the memory estimate exceeds what is available
  const HeldOutSet* validation = nullptr;  // optional: for solvers that monitor validation metrics
  std::function<void(const std::string&)> log;  // progress lines; may be empty
  void info(const std::string& line) const {
    if (log) log(line);
  }
};

// What a memory estimate may depend on besides the parameters.
struct SizingContext {
  std::size_t n_items = 0;
  Dtype dtype = Dtype::float64;
  const Registry* registry = nullptr;  // for solvers that build on others
};

// Receives each model of a rank sweep; `params` are the full parameters of that model. Returns false
// to ask the solver to stop handing out models (a budget of new fits is exhausted): the solver then
// returns without fitting the remaining ranks.
using ModelSink = std::function<bool(const ParamSet& params, std::unique_ptr<FittedModel> model)>;

// One of the models a single run of a solver yields (see Solver::variants).
struct VariantSpec {
  std::string label;       // e.g. "admm_last", "admm_best"; the solver's name when it yields one model
  ParamSet params;         // the parameters that give exactly this model with Solver::fit
  std::string plot_color;  // "" : the solver's
};

// The diagonal S of a model W_S = I - C S (docs/MATH.md §2.0), C = (G + Lambda)^{-1}: what the
// ScaLAPACK backend (core/distributed/) needs to know to compute a solver's model on a process grid.
enum class ShrinkageForm {
  none,              // no such closed form: the solver runs on the local backend only
  lambda,            // S = Lambda (the ridge / DLAE model I - C Lambda)
  inverse_diagonal,  // S = diagMat(1 (/) diag C) (the zero-diagonal EDLAE B^)
};

// What a solver declares about itself, so that generic code needs no solver names.
struct SolverTraits {
  // Its model at rank full is W_S for this S (at its standard lambda and p); with
  // shrinkage_ranks also every finite rank, as W_S's Eckart-Young projection (docs/MATH.md §2.1, §2.5).
  ShrinkageForm shrinkage = ShrinkageForm::none;
  bool shrinkage_ranks = false;
  // fit_ranks serves every rank of a sweep from one decomposition (nested eigenvectors), so a rank
  // sweep costs about one fit at its largest rank.
  bool nested_rank_sweep = false;
  // Uses the shared inverse C = (G + Lambda)^{-1} of its (lambda, p) from the LinalgCache, so fits at
  // the same regulariser should run back to back (Solver::shared_inverse says which).
  bool uses_shared_inverse = false;
  // Its model is a low-rank EDLAE (Eq. 7) at the standard (rank, lambda, p): comparable in the
  // approximation gap.
  bool eq7_model = false;
  // Minimises Eq. 7 to a stationary point: the reference of the approximation gap.
  bool eq7_reference = false;
  // A deep nonlinear autoencoder with a linear output layer: the subject of the Proposition.
  bool nonlinear_autoencoder = false;
  // A boolean parameter that, when true, adds one to the rank of the model (an output bias), so the
  // Proposition compares it with the bound of rank k + 1; "" when there is none.
  std::string rank_raising_param;
  // Parameters whose values fit_variants hands out from one fit (they do not change the work).
  std::vector<std::string> variant_params;
  // Its colour in plots ("#rrggbb"); empty: one is assigned.
  std::string plot_color;
};

class Solver {
 public:
  virtual ~Solver() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;  // one line for `aelab solvers`
  virtual std::vector<ParamSpec> params() const = 0;
  virtual SolverTraits traits() const { return {}; }
  virtual std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const = 0;

  // Fits one model per rank (ascending, "full" last) with the other parameters of `params` fixed and
  // hands each to `sink` as soon as it exists, stopping when the sink returns false. The default fits
  // each rank independently; solvers with traits().nested_rank_sweep override this to share one
  // decomposition across the sweep, which must give exactly the models of independent fits.
  virtual void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                         const ModelSink& sink) const;

  // The models one run of the solver yields at `params`, each with the parameters that give it alone
  // (the values of traits().variant_params vary). The default is the single model of fit().
  virtual std::vector<VariantSpec> variants(const ParamSet& params) const;
  // Those models, in the order of variants(params), from one run; variants that coincide (e.g. at a
  // closed-form rank) may share one model.
  virtual std::vector<std::shared_ptr<FittedModel>> fit_variants(FitContext& ctx, const ParamSet& params) const;

  // The regulariser whose inverse this fit reads from the cache, when traits().uses_shared_inverse:
  // by default the standard lambda and p.
  virtual std::optional<Regularizer> shared_inverse(const ParamSet& params) const;

  // Bytes this fit will allocate at its peak beyond the training data (dense n x n matrices, factors,
  // workspaces), for memory guards and `aelab run --dry-run`. 0 when negligible.
  virtual std::size_t memory_estimate(const SizingContext& sizing, const ParamSet& params) const {
    (void)sizing, (void)params;
    return 0;
  }

  // Validates a JSON object of parameters against params() (defaults filled in).
  ParamSet make_params(const nlohmann::json& given, const std::string& where = "") const;
  bool has_param(const std::string& name) const;
};

}  // namespace aelab
