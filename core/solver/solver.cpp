#include "core/solver/solver.hpp"

#include "core/linalg/linalg_cache.hpp"
#include "core/solver/standard_params.hpp"

namespace aelab {

const BinaryCsr& FitContext::train() const { return linalg.train(); }

void Solver::fit_ranks(FitContext& ctx, const ParamSet& params, const std::vector<Rank>& ranks,
                       const ModelSink& sink) const {
  for (const Rank& r : ranks) {
    const ParamSet at_rank = params.with(kRankParam, r);
    if (!sink(at_rank, fit(ctx, at_rank))) return;
  }
}

std::vector<VariantSpec> Solver::variants(const ParamSet& params) const { return {{name(), params, ""}}; }

std::vector<std::shared_ptr<FittedModel>> Solver::fit_variants(FitContext& ctx, const ParamSet& params) const {
  return {std::shared_ptr<FittedModel>(fit(ctx, params))};
}

std::optional<Regularizer> Solver::shared_inverse(const ParamSet& params) const {
  if (!traits().uses_shared_inverse) return std::nullopt;
  return standard_regularizer(params);
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
