#pragma once
// The seeded Gaussian starts of the iterative solvers (SPEC 6.4: "random starts (std 1e-4) for ALS and
// ADMM come from a seeded generator"). The same (rows, cols, stddev, seed) gives the same matrix on every
// run of the same build (std::mt19937_64 and libstdc++'s normal_distribution); the reference notebooks'
// numpy streams are not reproduced (their starts are unseeded).
#include <cstdint>

#include <armadillo>

namespace aelab {

// A rows x cols matrix of independent N(0, stddev^2) draws, filled column by column.
template <typename T>
arma::Mat<T> gaussian_start(arma::uword rows, arma::uword cols, double stddev, std::uint64_t seed);

// The standard deviation of every random start in the EDLAE notebooks (init_scale = 0.0001).
constexpr double kReferenceStartStddev = 1e-4;

}  // namespace aelab
