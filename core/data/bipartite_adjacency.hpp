#pragma once
// The bipartite adjacency A = [[0, R], [R^T, 0]] of a users x items matrix R (LightGCN's s_adj_mat):
// rows and columns 0..U-1 are users, U..U+I-1 items. docs/GIVEN_SPLIT.md (section 2.3) derives the
// one-pass inference of U.
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/binary_csr.hpp"

namespace aelab {

// Every U in [1, N-1] for which the square matrix `a` (N x N) has the block structure: each row
// r < U holds only columns >= U and each row r >= U only columns < U. With m_r / M_r the smallest /
// largest column of row r, U is valid iff min_{r<U} m_r >= U and max_{r>=U} M_r < U: a prefix minimum
// and a suffix maximum give all valid U in O(N + nnz).
std::vector<std::size_t> bipartite_user_counts(const BinaryCsr& a);

// R from `a` for a user count U: checks that U is in [1, N-1], the block structure, and that the item
// block is exactly the transpose of the user block. `where` starts every message (the file name).
BinaryCsr user_block_of_adjacency(const BinaryCsr& a, std::size_t n_users, const std::string& where);

// [[0, R], [R^T, 0]] (tests, and writers of LightGCN-style files).
BinaryCsr bipartite_adjacency_of(const BinaryCsr& r);

// The transpose of a binary matrix (rows come out sorted).
BinaryCsr transpose(const BinaryCsr& m);

}  // namespace aelab
