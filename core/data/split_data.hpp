#pragma once
// A strong-generalization split in memory: what solvers train on and metrics evaluate on.
// Produced by the split protocol (core/data/split.hpp) or read from a vae_cf folder (core/data/vae_cf.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/binary_csr.hpp"

namespace aelab {

// Held-out users of one part (validation or test). Row r of fold_in and held_out is user uids[r];
// both matrices share the item space of the training matrix. A user may have an empty held_out row
// (fewer than 5 interactions): metrics exclude and count such users.
struct HeldOutSet {
  std::vector<std::uint64_t> uids;  // uid as written in the vae_cf files (position in the permuted user list)
  BinaryCsr fold_in;                // the _tr rows: model input at evaluation time, masked from rankings
  BinaryCsr held_out;               // the _te rows: the items to be ranked
  std::size_t n_users() const { return uids.size(); }
};

struct SplitData {
  BinaryCsr train;                    // training users x items, rows in uid order 0..n_train-1
  HeldOutSet validation;
  HeldOutSet test;
  std::vector<std::string> item_ids;  // original item id of each column (unique_sid.txt), may be empty
  std::size_t n_items() const { return train.n_cols(); }
};

}  // namespace aelab
