#include "core/solver/standard_params.hpp"

#include <limits>

#include "core/util/number_text.hpp"

namespace aelab {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

std::string Regularizer::str() const { return "lambda=" + round_trip_text(lambda) + ",p=" + round_trip_text(p); }

ParamSpec rank_param_spec() {
  return ranged(param_spec(kRankParam, ParamType::rank, "full",
                           "number of latent dimensions k (<= number of items), or \"full\" for the full-rank model"),
                1, kInf);
}

ParamSpec lambda_param_spec() {
  return ranged(param_spec(kLambdaParam, ParamType::real, 300.0,
                           "uniform L2 weight; Lambda = lambda I + p/(1-p) diagMat(g)"),
                0, kInf);
}

ParamSpec dropout_param_spec() {
  return ranged(param_spec(kDropoutParam, ParamType::real, 0.33,
                           "dropout probability of the emphasized denoising L2 term in Lambda"),
                0, 1, true, false);
}

ParamSpec epochs_param_spec(std::int64_t default_epochs) {
  return ranged(param_spec("epochs", ParamType::integer, default_epochs,
                           "number of epochs (all of them unless the solver stops early and says why)"),
                1, kInf);
}

ParamSpec seed_param_spec() {
  // 2^53: every seed is exact in a JSON number.
  return ranged(param_spec("seed", ParamType::integer, 0,
                           "seed of every random number the solver draws (its random start, any sampling)"),
                0, 9007199254740992.0);
}

ParamSpec eigen_param_spec() {
  return choice(param_spec(kEigenParam, ParamType::string, "auto", "top-k eigensolver (auto: chosen from n and k)"),
                {"auto", "arpack", "block", "dense"});
}

ParamSpec eigen_tolerance_param_spec() {
  return ranged(param_spec(kEigenToleranceParam, ParamType::real, 1e-10,
                           "relative residual every eigenpair must reach (floored at 200 eps of the dtype)"),
                0, 1e-2, false, true);
}

EigenOptions standard_eigen_options(const ParamSet& params) {
  EigenOptions options;
  if (params.has(kEigenParam)) options.method = parse_eigen_method(params.string(kEigenParam));
  if (params.has(kEigenToleranceParam)) options.tolerance = params.real(kEigenToleranceParam);
  return options;
}

std::optional<Regularizer> standard_regularizer(const ParamSet& params) {
  if (!params.has(kLambdaParam) || !params.has(kDropoutParam)) return std::nullopt;
  return Regularizer{params.real(kLambdaParam), params.real(kDropoutParam)};
}

}  // namespace aelab
