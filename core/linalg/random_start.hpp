#pragma once
// The seeded Gaussian starts of the iterative solvers (docs/MATH.md §6, item 4: "random starts (std 1e-4) for ALS and
// ADMM come from a seeded generator"; exact's random start N(0, 1/n)). A start is numpy's for the same
// seed: gaussian_start(rows, cols, stddev, seed) equals
//   numpy.random.RandomState(seed).normal(0, stddev, (rows, cols))
// read in C order (element (i, j) is draw i * cols + j), through the port of numpy's legacy generator
// (core/data/numpy_random.hpp), so it is the same with every C++ standard library (std::normal_distribution
// is not). Seeds >= 2^32 are seeded as numpy seeds the array of their 32-bit words (see there). The
// reference notebooks' own starts are unseeded, so no particular start of theirs is reproduced.
#include <cstdint>

#include <armadillo>

namespace aelab {

// A rows x cols matrix of independent N(0, stddev^2) draws, in numpy's order (above).
template <typename T>
arma::Mat<T> gaussian_start(arma::uword rows, arma::uword cols, double stddev, std::uint64_t seed);

// The standard deviation of every random start in the EDLAE notebooks (init_scale = 0.0001).
constexpr double kReferenceStartStddev = 1e-4;

}  // namespace aelab
