#include "core/data/split.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "core/data/numpy_random.hpp"
#include "core/util/error.hpp"

namespace aelab {

namespace {

// The reference holds out rows only of users with at least this many rows (a constant of its code,
// independent of min_uc).
constexpr std::size_t kMinRowsToHoldOut = 5;

enum class Role : std::uint8_t { none, train, validation, test };

// Rows (user index, item index) surviving binarization and the one-pass filter, in file order.
struct FilteredRows {
  std::vector<std::uint32_t> user, item;
};

FilteredRows binarize_and_filter(const RawInteractions& raw, const SplitOptions& o) {
  FilteredRows rows;
  const std::size_t n = raw.n_rows();
  std::vector<std::uint8_t> keep(n, 1);
  if (o.threshold)
    for (std::size_t r = 0; r < n; ++r) keep[r] = raw.value[r] > *o.threshold;
  // pandas: items with >= min_sc rows (rows, not distinct users), then users with >= min_uc rows
  // counted after the item filter; never iterated to a fixed point.
  if (o.min_sc > 0) {
    std::vector<std::uint64_t> count(raw.items.size(), 0);
    for (std::size_t r = 0; r < n; ++r) count[raw.item[r]] += keep[r];
    for (std::size_t r = 0; r < n; ++r) keep[r] = keep[r] && count[raw.item[r]] >= o.min_sc;
  }
  if (o.min_uc > 0) {
    std::vector<std::uint64_t> count(raw.users.size(), 0);
    for (std::size_t r = 0; r < n; ++r) count[raw.user[r]] += keep[r];
    for (std::size_t r = 0; r < n; ++r) keep[r] = keep[r] && count[raw.user[r]] >= o.min_uc;
  }
  std::size_t kept = 0;
  for (std::size_t r = 0; r < n; ++r) kept += keep[r];
  rows.user.reserve(kept);
  rows.item.reserve(kept);
  for (std::size_t r = 0; r < n; ++r)
    if (keep[r]) {
      rows.user.push_back(raw.user[r]);
      rows.item.push_back(raw.item[r]);
    }
  return rows;
}

// One held-out part (validation or test): the users of `role` visited in sorted-id order, each
// user's in-vocabulary rows in file order; users with >= 5 rows get choice(n_u, floor(p n_u))
// rows held out. The RNG is re-seeded first, as the reference's split_train_test_proportion does.
void split_part(const FilteredRows& rows, const std::vector<Role>& role, Role part,
                const std::vector<std::uint32_t>& sorted_users, const std::vector<std::uint64_t>& uid_of_user,
                const std::vector<std::uint32_t>& sid_of_item, const SplitOptions& o, VaeCfSplit::Rows& fold_in,
                VaeCfSplit::Rows& held_out) {
  const std::size_t n_users = role.size();
  // Stable bucketing of the part's rows by user: offsets in sorted-user order.
  std::vector<std::uint64_t> count(n_users, 0);
  for (std::size_t r = 0; r < rows.user.size(); ++r)
    if (role[rows.user[r]] == part && sid_of_item[rows.item[r]] != IdTable::npos) ++count[rows.user[r]];
  std::vector<std::uint64_t> offset(n_users, 0);
  std::uint64_t total = 0;
  for (std::uint32_t u : sorted_users)
    if (role[u] == part) {
      offset[u] = total;
      total += count[u];
    }
  std::vector<std::uint32_t> sids(total);
  {
    std::vector<std::uint64_t> cursor = offset;
    for (std::size_t r = 0; r < rows.user.size(); ++r) {
      const std::uint32_t u = rows.user[r], sid = sid_of_item[rows.item[r]];
      if (role[u] == part && sid != IdTable::npos) sids[cursor[u]++] = sid;
    }
  }
  fold_in.reserve(total - total / 5 + 1);
  held_out.reserve(total / 5 + 1);
  NumpyRandomState rng(o.seed);
  std::vector<std::uint32_t> permutation;
  std::vector<std::uint8_t> is_held_out;
  for (std::uint32_t u : sorted_users) {
    // A user whose rows were all dropped is absent from the reference's groupby: no RNG draws.
    if (role[u] != part || count[u] == 0) continue;
    const std::size_t n_u = count[u];
    const std::uint32_t* user_sids = sids.data() + offset[u];
    const std::uint64_t uid = uid_of_user[u];
    if (n_u >= kMinRowsToHoldOut) {
      // int(test_prop * n_items_u) in Python: the product in double precision, truncated.
      const auto n_held = static_cast<std::size_t>(o.test_proportion * static_cast<double>(n_u));
      rng.permutation(n_u, permutation);
      is_held_out.assign(n_u, 0);
      for (std::size_t k = 0; k < n_held; ++k) is_held_out[permutation[k]] = 1;
      for (std::size_t k = 0; k < n_u; ++k) (is_held_out[k] ? held_out : fold_in).emplace_back(uid, user_sids[k]);
    } else {
      for (std::size_t k = 0; k < n_u; ++k) fold_in.emplace_back(uid, user_sids[k]);
    }
  }
}

}  // namespace

VaeCfSplit make_split(const RawInteractions& raw, const SplitOptions& o, SplitSummary* summary) {
  if (raw.user.size() != raw.item.size() || raw.user.size() != raw.value.size())
    throw Error("make_split: raw interaction columns differ in length");
  if (o.threshold && !std::isfinite(*o.threshold)) throw Error("split: the threshold must be a finite number");
  if (!(o.test_proportion >= 0.0 && o.test_proportion < 1.0))
    throw Error("split: the test proportion must be in [0, 1), got " + std::to_string(o.test_proportion));
  if (o.heldout_users == 0) throw Error("split: the number of held-out users H must be at least 1");

  const FilteredRows rows = binarize_and_filter(raw, o);

  // Users of the filtered rows in sorted-id order (the index of pandas' groupby().size()).
  const std::size_t n_user_ids = raw.users.size();
  std::vector<std::uint8_t> present(n_user_ids, 0);
  for (std::uint32_t u : rows.user) present[u] = 1;
  std::vector<std::uint32_t> sorted_users;
  for (std::uint32_t u : raw.users.sorted_indices())
    if (present[u]) sorted_users.push_back(u);
  const std::size_t n_users = sorted_users.size();
  const std::size_t H = o.heldout_users;
  if (n_users <= 2 * H)
    throw Error("split: H = " + std::to_string(H) + " held-out users per part needs more than 2H = " +
                std::to_string(2 * H) + " users, but " + std::to_string(n_users) +
                " remain after binarization and filtering");

  // np.random.seed(seed); idx_perm = np.random.permutation(n_users): uid i = sorted_users[perm[i]].
  NumpyRandomState rng(o.seed);
  const std::vector<std::uint64_t> perm = rng.permutation(n_users);
  std::vector<Role> role(n_user_ids, Role::none);
  std::vector<std::uint64_t> uid_of_user(n_user_ids, 0);
  for (std::size_t i = 0; i < n_users; ++i) {
    const std::uint32_t u = sorted_users[perm[i]];
    uid_of_user[u] = i;
    role[u] = i < n_users - 2 * H ? Role::train : i < n_users - H ? Role::validation : Role::test;
  }

  // Training rows in filtered file order; the vocabulary in order of first appearance among them.
  VaeCfSplit split;
  std::vector<std::uint32_t> sid_of_item(raw.items.size(), IdTable::npos);
  std::size_t n_train_rows = 0;
  for (std::uint32_t u : rows.user) n_train_rows += role[u] == Role::train;
  split.train.reserve(n_train_rows);
  for (std::size_t r = 0; r < rows.user.size(); ++r) {
    const std::uint32_t u = rows.user[r];
    if (role[u] != Role::train) continue;
    std::uint32_t& sid = sid_of_item[rows.item[r]];
    if (sid == IdTable::npos) {
      sid = static_cast<std::uint32_t>(split.unique_sid.size());
      split.unique_sid.push_back(raw.items.text(rows.item[r]));
    }
    split.train.emplace_back(uid_of_user[u], sid);
  }

  split_part(rows, role, Role::validation, sorted_users, uid_of_user, sid_of_item, o, split.validation_tr,
             split.validation_te);
  split_part(rows, role, Role::test, sorted_users, uid_of_user, sid_of_item, o, split.test_tr, split.test_te);

  if (summary) {
    summary->rows_loaded = raw.n_rows();
    summary->rows_kept = rows.user.size();
    summary->users = n_users;
    std::vector<std::uint8_t> item_present(raw.items.size(), 0);
    std::size_t items = 0;
    for (std::uint32_t i : rows.item)
      if (!item_present[i]) {
        item_present[i] = 1;
        ++items;
      }
    summary->items = items;
    summary->train_users = n_users - 2 * H;
    summary->validation_users = H;
    summary->test_users = H;
    summary->train_items = split.unique_sid.size();
    summary->user_ids.resize(n_users);
    for (std::size_t i = 0; i < n_users; ++i) summary->user_ids[i] = raw.users.text(sorted_users[perm[i]]);
  }
  return split;
}

}  // namespace aelab
