#pragma once
// The solver plugin interface. A Solver is a stateless, named recipe with a parameter specification;
// `fit` trains on the training users of a FitContext and returns a FittedModel that scores fold-in rows.
// Built-in solvers are registered explicitly by register_builtin_solvers (solvers/builtin.hpp); a
// downstream program adds its own through the same Registry (see examples/custom_solver).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <armadillo>
#include <nlohmann/json.hpp>

#include "core/data/binary_csr.hpp"
#include "core/data/split_data.hpp"
#include "core/linalg/dtype.hpp"
#include "core/solver/params.hpp"

namespace aelab {

class LinalgCache;

// A trained model. Scores are computed for a batch of fold-in rows and written one user per column
// (scores.col(u) is the score vector of row begin + u) so each user's ranking reads contiguous memory.
class FittedModel {
 public:
  virtual ~FittedModel() = default;
  virtual std::size_t n_items() const = 0;
  // scores is resized to n_items() x (end - begin). Fold-in items are not masked here (metrics do it).
  virtual void score(const BinaryCsr& fold_in, std::size_t begin, std::size_t end, arma::mat& scores) const = 0;
  // Everything a researcher may want to inspect: "objective" (Eq. 7, where defined), "seconds" per
  // stage, "peak_rss_bytes", "eigen" (method, gap at the cut-off), per-epoch "trace", warnings.
  virtual const nlohmann::json& diagnostics() const = 0;
  virtual nlohmann::json& diagnostics() = 0;
};

// What a fit may use besides its parameters.
struct FitContext {
  explicit FitContext(LinalgCache& linalg_cache) : linalg(linalg_cache) {}
  const BinaryCsr& train() const;

  LinalgCache& linalg;                     // training matrix, Gram matrix and inverses, shared across fits
  Dtype dtype = Dtype::float64;            // precision of all dense work
  bool force_memory = false;               // fit even when the memory estimate exceeds what is available
  const HeldOutSet* validation = nullptr;  // optional: for solvers that monitor validation metrics
  std::function<void(const std::string&)> log;  // progress lines; may be empty
  void info(const std::string& line) const {
    if (log) log(line);
  }
};

// Receives each model of a rank sweep; `params` are the full parameters of that model.
using ModelSink = std::function<void(const ParamSet& params, std::unique_ptr<FittedModel> model)>;

class Solver {
 public:
  virtual ~Solver() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;  // one line for `aelab solvers`
  virtual std::vector<ParamSpec> params() const = 0;
  virtual std::unique_ptr<FittedModel> fit(FitContext& ctx, const ParamSet& params) const = 0;

  // Fits one model per rank (ascending, "full" last) with the other parameters of `params` fixed and
  // hands each to `sink` as soon as it exists. The default fits each rank independently; solvers
  // whose models are nested in the rank (eigenvector-based closed forms) override this to share one
  // decomposition across the sweep, which must give exactly the models of independent fits.
  virtual void fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                         const ModelSink& sink) const;

  // Bytes this fit will allocate at its peak beyond the training data (dense n x n matrices, factors,
  // workspaces), for memory guards and `aelab run --dry-run`. 0 when negligible.
  virtual std::size_t memory_estimate(std::size_t n_items, Dtype dtype, const ParamSet& params) const {
    (void)n_items, (void)dtype, (void)params;
    return 0;
  }

  // Validates a JSON object of parameters against params() (defaults filled in).
  ParamSet make_params(const nlohmann::json& given, const std::string& where = "") const;
  bool has_param(const std::string& name) const;
};

}  // namespace aelab
