#include "bench/training_matrices.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/data/synthetic.hpp"

namespace aelab::bench {

BinaryCsr synthetic_training_matrix(std::size_t users, std::size_t items, double per_user, std::uint64_t seed) {
  SyntheticSpec spec;
  spec.users = users;
  spec.items = items;
  spec.mean_items_per_user = per_user;
  spec.seed = seed;
  const RawInteractions raw = generate_synthetic(spec);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs(raw.n_rows());
  for (std::size_t r = 0; r < raw.n_rows(); ++r) pairs[r] = {raw.user[r], raw.item[r]};
  return BinaryCsr::from_pairs(raw.users.size(), std::max<std::size_t>(items, raw.items.size()), std::move(pairs));
}

BinaryCsr random_rows(std::size_t users, std::size_t n, std::size_t per_user, std::mt19937_64& rng) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  pairs.reserve(users * per_user);
  std::uniform_int_distribution<std::uint32_t> item(0, static_cast<std::uint32_t>(n - 1));
  for (std::uint32_t u = 0; u < users; ++u)
    for (std::size_t i = 0; i < per_user; ++i) pairs.emplace_back(u, item(rng));
  return BinaryCsr::from_pairs(users, n, std::move(pairs));
}

}  // namespace aelab::bench
