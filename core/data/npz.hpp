#pragma once
// Interaction matrices saved with scipy.sparse.save_npz (CSR, CSC or COO; compressed or stored; any
// .npy version; int32/int64 and unsigned indices; bool, integer or float data; either byte order),
// as the NGCF / LightGCN code and its successors ship them. Two layouts:
//   user_item            the users x items matrix R itself;
//   bipartite_adjacency  the (users + items)^2 adjacency [[0, R], [R^T, 0]] of the LightGCN code
//                        (s_adj_mat.npz), whose user count is given or inferred from the block structure.
// Everything is validated: shape, index ranges, indptr, duplicates, values. docs/GIVEN_SPLIT.md
// (section 2) states the rules; every error is one line naming the file and the array.
#include <cstdint>
#include <optional>
#include <string>

#include "core/data/binary_csr.hpp"

namespace aelab {

enum class NpzLayout { detect, user_item, bipartite_adjacency };
// "detect", "user-item", "bipartite-adjacency"
std::string npz_layout_name(NpzLayout layout);
// Throws aelab::Error "expected an npz layout detect, user-item or bipartite-adjacency, got ...".
NpzLayout parse_npz_layout(const std::string& name);

// What a stored value means:
//   binary   every stored value must be 1 (true); anything else, explicit zeros included, is an error
//            naming the (row, column) and the value;
//   nonzero  every finite nonzero value is an interaction; explicit zeros are dropped, as scipy's
//            arithmetic and .nonzero() treat them; NaN and infinities are errors.
enum class NpzValues { binary, nonzero };

struct NpzReadOptions {
  NpzLayout layout = NpzLayout::detect;  // detect: square with the adjacency's block structure -> adjacency
  std::optional<std::size_t> n_users;    // adjacency only: the user count U (otherwise inferred)
  NpzValues values = NpzValues::binary;
};

// What the file held, for reports.
struct NpzInfo {
  std::string format;                     // "csr", "csc" or "coo"
  NpzLayout layout = NpzLayout::user_item;  // user_item or bipartite_adjacency, never detect
  std::size_t stored_rows = 0, stored_cols = 0;
  std::uint64_t stored_entries = 0;       // nnz as stored (both blocks of an adjacency, explicit zeros included)
  std::uint64_t dropped_zeros = 0;        // explicit zeros dropped under NpzValues::nonzero
};

struct NpzInteractions {
  BinaryCsr interactions;  // users x items
  NpzInfo info;
};

// Reads `path`. Throws aelab::Error for a file that is not a zip, a missing array, an unsupported
// format, dtype or .npy version, inconsistent arrays, an index out of range, a duplicate entry, a
// non-binary value, and (adjacency) a block structure or transpose that does not hold.
NpzInteractions read_npz_interactions(const std::string& path, const NpzReadOptions& options = {});

// The stored matrix as it is (any shape), after the same validation; the layouts build on it.
BinaryCsr read_npz_matrix(const std::string& path, NpzValues values, NpzInfo* info = nullptr);

}  // namespace aelab
