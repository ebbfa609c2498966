#pragma once
// Mini-batches of users as sparse input columns: the MLP's first layer multiplies W1 (h1 x n) by an
// n x b sparse matrix (Armadillo's dense x sparse product accumulates the columns of W1 of each
// user's items), so no dense b x n batch is ever built.
#include <cstdint>
#include <random>
#include <vector>

#include <armadillo>

#include "core/data/binary_csr.hpp"

namespace aelab::mlp {

// Users rows[0..count) of X as the columns of an n_items x count sparse matrix with entries 1.
template <typename T>
arma::SpMat<T> users_as_columns(const BinaryCsr& X, const std::size_t* rows, std::size_t count);

// Users begin..end-1 of X as columns (entries 1).
template <typename T>
arma::SpMat<T> user_range_as_columns(const BinaryCsr& X, std::size_t begin, std::size_t end);

// Input dropout (inverted): each entry of `clean` is dropped with probability p and the kept entries
// are scaled by 1 / (1 - p), so the expected input equals the clean one. One uniform draw per
// non-zero, in column-major order, from `rng`.
template <typename T>
arma::SpMat<T> drop_entries(const arma::SpMat<T>& clean, double p, std::mt19937_64& rng);

// A uniform double in [0, 1) from 53 random bits (the same on every standard library, unlike
// std::uniform_real_distribution).
inline double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace aelab::mlp
