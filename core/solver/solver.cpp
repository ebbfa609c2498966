#include "core/solver/solver.hpp"

#include "core/linalg/linalg_cache.hpp"

namespace aelab {

const BinaryCsr& FitContext::train() const { return linalg.train(); }

void Solver::fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                       const ModelSink& sink) const {
  for (const Rank& r : ranks) {
    ParamSet at_rank = params.with("rank", r.to_json());
    sink(at_rank, fit(ctx, at_rank));
  }
}

ParamSet Solver::make_params(const nlohmann::json& given, const std::string& where) const {
  return validate_params(name(), params(), given, where);
}

bool Solver::has_param(const std::string& param_name) const {
  for (const auto& spec : params())
    if (spec.name == param_name) return true;
  return false;
}

}  // namespace aelab
