#pragma once
// The train.txt / test.txt files of NGCF, LightGCN and the papers that reuse their splits: one line
// per user, "user item item ...", whitespace-separated, 0-based ids that are row and column indices.
// Rules (docs/GIVEN_SPLIT.md section 3): ids are non-negative integers below 2^32; a user appears on
// at most one line; an item appears at most once per line; a line with only a user id is a user
// without items; blank lines are allowed only at the end of the file. Every violation is one line
// "<file>:<line>: expected ..., got ...".
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/data/binary_csr.hpp"

namespace aelab {

// Limits known before reading (from the other file of a split); the matrix then has exactly this
// many rows or columns. `source` names where a limit comes from in messages ("the rows of train.npz").
struct NgcfTextBound {
  std::size_t count = 0;
  std::string source;
};

struct NgcfTextBounds {
  std::optional<NgcfTextBound> users, items;
};

struct NgcfText {
  // Users x items: rows = the user bound, or the largest user id + 1; columns = the item bound, or
  // the largest item id + 1. Unlisted users are empty rows.
  BinaryCsr matrix;
  std::vector<std::size_t> line_of_user;  // 1-based line of each row's user, 0 when the user is not listed
  std::size_t lines = 0;                  // user lines read
};

// Throws aelab::Error for a file that cannot be read, an empty file, and any malformed line.
NgcfText read_ngcf_text(const std::string& path, const NgcfTextBounds& bounds = {});

// `m` with `n_cols` >= m.n_cols() columns (the same entries): text files of one split are read
// separately and agree on the item count afterwards.
BinaryCsr widen_columns(const BinaryCsr& m, std::size_t n_cols);

}  // namespace aelab
