#include "core/data/validation_carve_out.hpp"

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "core/data/given_split.hpp"
#include "core/data/numpy_random.hpp"
#include "core/util/error.hpp"

namespace aelab {

ValidationCarveOut carve_out_validation(const BinaryCsr& train, const CarveOutOptions& options) {
  if (!(options.share > 0.0 && options.share < 1.0))
    throw Error("validation carve-out: the share must be in (0, 1), got " + std::to_string(options.share));
  const std::size_t n_users = train.n_rows();
  std::vector<std::uint64_t> kept_ptr(n_users + 1, 0), held_ptr(n_users + 1, 0);
  std::vector<std::uint32_t> kept, held;
  kept.reserve(train.nnz());
  held.reserve(static_cast<std::size_t>(options.share * static_cast<double>(train.nnz())) + n_users);
  NumpyRandomState rng(options.seed);
  std::vector<std::uint32_t> permutation;
  std::vector<std::uint8_t> is_held;
  for (std::size_t u = 0; u < n_users; ++u) {
    const auto row = train.row(u);
    const std::size_t n = row.size();
    if (n >= options.min_items && n > 0) {
      // int(share * n) in Python: the product in double precision, truncated.
      const auto n_held = static_cast<std::size_t>(options.share * static_cast<double>(n));
      rng.permutation(n, permutation);
      is_held.assign(n, 0);
      for (std::size_t k = 0; k < n_held; ++k) is_held[permutation[k]] = 1;
      for (std::size_t k = 0; k < n; ++k) (is_held[k] ? held : kept).push_back(row.begin()[k]);
    } else {
      kept.insert(kept.end(), row.begin(), row.end());
    }
    kept_ptr[u + 1] = kept.size();
    held_ptr[u + 1] = held.size();
  }
  ValidationCarveOut result;
  result.train_part = BinaryCsr(n_users, train.n_cols(), std::move(kept_ptr), std::move(kept));
  result.validation.uids.resize(n_users);
  std::iota(result.validation.uids.begin(), result.validation.uids.end(), std::uint64_t{0});
  result.validation.fold_in = result.train_part;
  result.validation.held_out = BinaryCsr(n_users, train.n_cols(), std::move(held_ptr), std::move(held));
  return result;
}

SplitData selection_split_data(const ValidationCarveOut& carve_out) {
  SplitData data;
  data.train = carve_out.train_part;
  data.validation = carve_out.validation;
  data.test = empty_held_out_set(carve_out.train_part.n_cols());
  return data;
}

}  // namespace aelab
