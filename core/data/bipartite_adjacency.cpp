#include "core/data/bipartite_adjacency.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/util/error.hpp"

namespace aelab {

namespace {

std::string entry_text(std::size_t row, std::size_t col) {
  return "(row " + std::to_string(row) + ", column " + std::to_string(col) + ")";
}

std::string shape_text(const BinaryCsr& m) { return std::to_string(m.n_rows()) + " x " + std::to_string(m.n_cols()); }

}  // namespace

BinaryCsr transpose(const BinaryCsr& m) {
  std::vector<std::uint64_t> row_ptr(m.n_cols() + 1, 0);
  for (std::uint32_t c : m.col_idx()) ++row_ptr[c + 1];
  for (std::size_t c = 0; c < m.n_cols(); ++c) row_ptr[c + 1] += row_ptr[c];
  std::vector<std::uint32_t> col_idx(m.nnz());
  std::vector<std::uint64_t> cursor(row_ptr.begin(), row_ptr.end() - 1);
  // Rows are visited in order, so each transposed row receives its columns sorted.
  for (std::size_t r = 0; r < m.n_rows(); ++r)
    for (std::uint32_t c : m.row(r)) col_idx[cursor[c]++] = static_cast<std::uint32_t>(r);
  return BinaryCsr(m.n_cols(), m.n_rows(), std::move(row_ptr), std::move(col_idx));
}

std::vector<std::size_t> bipartite_user_counts(const BinaryCsr& a) {
  const std::size_t n = a.n_rows();
  std::vector<std::size_t> valid;
  if (a.n_cols() != n || n < 2) return valid;
  // suffix_max[u] = the largest column of rows u..n-1, or -1 when they are all empty.
  std::vector<std::int64_t> suffix_max(n + 1, -1);
  for (std::size_t r = n; r-- > 0;) {
    const auto row = a.row(r);
    suffix_max[r] = std::max(suffix_max[r + 1], row.empty() ? std::int64_t{-1} : std::int64_t{row.end()[-1]});
  }
  // prefix_min = the smallest column of rows 0..u-1, or n when they are all empty.
  std::uint64_t prefix_min = n;
  for (std::size_t u = 1; u < n; ++u) {
    const auto row = a.row(u - 1);
    if (!row.empty()) prefix_min = std::min<std::uint64_t>(prefix_min, *row.begin());
    if (prefix_min >= u && suffix_max[u] < static_cast<std::int64_t>(u)) valid.push_back(u);
  }
  return valid;
}

BinaryCsr user_block_of_adjacency(const BinaryCsr& a, std::size_t n_users, const std::string& where) {
  const std::size_t n = a.n_rows();
  if (a.n_cols() != n) throw Error(where + ": expected a square bipartite adjacency, got shape " + shape_text(a));
  if (n_users < 1 || n_users >= n)
    throw Error(where + ": expected a user count in [1, " + std::to_string(n - 1) + "] for the " + shape_text(a) +
                " bipartite adjacency, got " + std::to_string(n_users));
  const std::string expected = where + ": expected the bipartite adjacency [[0, R], [R^T, 0]] with " +
                               std::to_string(n_users) + " users, got the entry ";
  for (std::size_t r = 0; r < n; ++r) {
    const auto row = a.row(r);
    if (row.empty()) continue;
    if (r < n_users && *row.begin() < n_users)
      throw Error(expected + entry_text(r, *row.begin()) + " in the user-user block");
    if (r >= n_users && row.end()[-1] >= n_users)
      throw Error(expected + entry_text(r, row.end()[-1]) + " in the item-item block");
  }

  const std::size_t n_items = n - n_users;
  const auto offset = static_cast<std::uint32_t>(n_users);
  std::vector<std::uint64_t> row_ptr(a.row_ptr().begin(), a.row_ptr().begin() + static_cast<std::ptrdiff_t>(n_users + 1));
  std::vector<std::uint32_t> col_idx(a.col_idx().begin(), a.col_idx().begin() + static_cast<std::ptrdiff_t>(row_ptr.back()));
  for (std::uint32_t& c : col_idx) c -= offset;
  BinaryCsr r(n_users, n_items, std::move(row_ptr), std::move(col_idx));

  // Item row U + i must list exactly the users of column i of R.
  const BinaryCsr r_transposed = transpose(r);
  for (std::size_t i = 0; i < n_items; ++i) {
    const auto stored = a.row(n_users + i), implied = r_transposed.row(i);
    if (stored.size() == implied.size() && std::equal(stored.begin(), stored.end(), implied.begin())) continue;
    const std::uint32_t* s = stored.begin();
    const std::uint32_t* t = implied.begin();
    while (s != stored.end() && t != implied.end() && *s == *t) ++s, ++t;
    const std::size_t item_row = n_users + i;
    const bool stored_extra = t == implied.end() || (s != stored.end() && *s < *t);
    const std::size_t row = stored_extra ? item_row : *t, col = stored_extra ? *s : item_row;
    throw Error(where + ": expected the item block of the bipartite adjacency to be the transpose of its user block, got the entry " +
                entry_text(row, col) + " without " + entry_text(col, row));
  }
  return r;
}

BinaryCsr bipartite_adjacency_of(const BinaryCsr& r) {
  const std::size_t n_users = r.n_rows(), n = r.n_rows() + r.n_cols();
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw Error("bipartite adjacency: " + std::to_string(n) + " users and items do not fit 32-bit indices");
  const BinaryCsr r_transposed = transpose(r);
  std::vector<std::uint64_t> row_ptr(n + 1, 0);
  std::vector<std::uint32_t> col_idx;
  col_idx.reserve(2 * r.nnz());
  for (std::size_t u = 0; u < n_users; ++u) {
    for (std::uint32_t i : r.row(u)) col_idx.push_back(static_cast<std::uint32_t>(i + n_users));
    row_ptr[u + 1] = col_idx.size();
  }
  for (std::size_t i = 0; i < r.n_cols(); ++i) {
    for (std::uint32_t u : r_transposed.row(i)) col_idx.push_back(u);
    row_ptr[n_users + i + 1] = col_idx.size();
  }
  return BinaryCsr(n, n, std::move(row_ptr), std::move(col_idx));
}

}  // namespace aelab
