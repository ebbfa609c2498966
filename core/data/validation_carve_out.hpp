#pragma once
// A validation part carved out of the training rows of a given split, for choosing hyperparameters
// without looking at the test items (docs/GIVEN_SPLIT.md section 5). The rule, reproducible with numpy:
//
//   rng = numpy.random.RandomState(seed)              # one generator for the whole pass
//   for u in range(n_users):                          # users in id order
//       items = sorted(training items of u)           # ascending item ids
//       n = len(items)
//       if n >= min_items:                            # others hold out nothing and draw nothing
//           held_out = items[rng.choice(n, int(share * n), replace=False)]
//
// choice(n, s, replace=False) is permutation(n)[:s] (core/data/numpy_random.hpp), so every eligible
// user consumes a full shuffle of its n items, even when int(share * n) is 0.
#include <cstddef>
#include <cstdint>

#include "core/data/binary_csr.hpp"
#include "core/data/split_data.hpp"

namespace aelab {

struct CarveOutOptions {
  double share = 0.2;           // of each eligible user's training items, in (0, 1)
  std::uint32_t seed = 98765;
  std::size_t min_items = 5;    // users with fewer training items are not validated
};

struct ValidationCarveOut {
  BinaryCsr train_part;   // the training rows without the held-out items: what models are fitted on
  HeldOutSet validation;  // every user (uid = user id): fold-in = train_part, held-out = the carved-out items
};

// Throws aelab::Error for a share outside (0, 1).
ValidationCarveOut carve_out_validation(const BinaryCsr& train, const CarveOutOptions& options = {});

// The carve-out as SplitData for hyperparameter selection: train = train_part, validation = the
// carve-out, test without users.
SplitData selection_split_data(const ValidationCarveOut& carve_out);

}  // namespace aelab
