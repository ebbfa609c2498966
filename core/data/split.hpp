#pragma once
// The strong-generalization protocol of the Mult-VAE code, bit for bit (docs/MATH.md §3 and §3.2):
// binarize, filter once (items then users), sort users by id, permute with numpy's legacy
// RandomState(seed), hold out the last 2H users (validation then test), training vocabulary in
// first-appearance order, 80/20 fold-in split per held-out user with the RNG re-seeded per part.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/raw_interactions.hpp"
#include "core/data/vae_cf.hpp"

namespace aelab {

struct SplitOptions {
  std::optional<double> threshold;  // keep rows with value > threshold; none: keep every row
  std::size_t min_uc = 5;           // users need >= min_uc rows (after the item filter); 0: no filter
  std::size_t min_sc = 0;           // items need >= min_sc rows; 0: no filter
  std::size_t heldout_users = 0;    // H: validation and test users each
  std::uint32_t seed = 98765;
  double test_proportion = 0.2;
};

struct SplitSummary {
  std::size_t rows_loaded = 0, rows_kept = 0;  // after binarization and filtering
  std::size_t users = 0, items = 0;            // after filtering
  std::size_t train_users = 0, validation_users = 0, test_users = 0;
  std::size_t train_items = 0;                 // vocabulary size
  std::vector<std::string> user_ids;           // original id of each uid: the permuted user list
};

// Throws aelab::Error when H is too large for the number of users (2H must leave training users).
VaeCfSplit make_split(const RawInteractions& raw, const SplitOptions& options, SplitSummary* summary = nullptr);

}  // namespace aelab
