#pragma once
// The parameters every linear autoencoder of the paper shares, with one name, one range and one help
// text each (docs/MATH.md, "Notation"): the rank k, the uniform L2 weight lambda and the dropout
// probability p that together define Lambda = lambda I + p/(1-p) diagMat(g). A solver that takes them
// lists these specs, so that `aelab solvers` shows each once and generic code (grouping fits by the
// inverse they share, result columns, the approximation gap) can find them without knowing solvers.
#include <cstdint>
#include <optional>
#include <string>

#include "core/linalg/eigen.hpp"
#include "core/linalg/regularizer.hpp"
#include "core/solver/params.hpp"

namespace aelab {

inline constexpr const char* kRankParam = "rank";
inline constexpr const char* kLambdaParam = "lambda";
inline constexpr const char* kDropoutParam = "p";
inline constexpr const char* kEigenParam = "eigen";
inline constexpr const char* kEigenToleranceParam = "eigen_tolerance";

// rank: a positive integer or "full" (default "full"); lambda >= 0 (default 300); p in [0, 1)
// (default 0.33): the defaults of every Figure-1 solver, so that they mean the same Lambda.
ParamSpec rank_param_spec();
ParamSpec lambda_param_spec();
ParamSpec dropout_param_spec();
// epochs >= 1 with the given default; seed in [0, 2^53] (the seeded random start, docs/MATH.md).
ParamSpec epochs_param_spec(std::int64_t default_epochs);
ParamSpec seed_param_spec();
// eigen: "auto", "arpack", "block" or "dense"; eigen_tolerance in (0, 1e-2]: the top-k eigensolver of
// the eigenvector closed forms (core/linalg/eigen.hpp).
ParamSpec eigen_param_spec();
ParamSpec eigen_tolerance_param_spec();

// The (lambda, p) of a parameter set that has both standard parameters; nullopt otherwise.
std::optional<Regularizer> standard_regularizer(const ParamSet& params);

// The eigensolver options a parameter set asks for (the defaults for what it lacks).
EigenOptions standard_eigen_options(const ParamSet& params);

}  // namespace aelab
