#pragma once
// The training matrices the benchmarks fit on: seeded synthetic data or uniformly random rows.
#include <cstdint>
#include <random>

#include "core/data/binary_csr.hpp"

namespace aelab::bench {

// Every row of the seeded synthetic generator (core/data/synthetic.hpp: latent topics, Zipf item
// popularity, power-law user activity) as a binary interaction. Items keep the generator's
// first-appearance indices; an item that never appears is an empty column (lambda > 0 keeps G + Lambda
// positive definite).
BinaryCsr synthetic_training_matrix(std::size_t users, std::size_t items, double per_user, std::uint64_t seed);

// `users` rows of `per_user` items drawn uniformly with replacement (repeats merge, so a row may hold
// fewer): for costs that do not depend on the values.
BinaryCsr random_rows(std::size_t users, std::size_t n, std::size_t per_user, std::mt19937_64& rng);

}  // namespace aelab::bench
