#pragma once
// The interactions of a given train/test split as one raw data set, so that the strong-generalization
// protocol can re-split them by user: the "lightgcn-union" loader format (docs/GIVEN_SPLIT.md section 6).
#include <string>

#include "core/data/given_split.hpp"
#include "core/data/raw_interactions.hpp"

namespace aelab {

struct GivenSplitFolderFiles {
  std::string train;  // train.txt, else s_adj_mat.npz
  std::string test;   // test.txt
};

// The training and test files of a LightGCN / NGCF data folder. Throws aelab::Error naming the folder
// and the files it expected when it is not a folder or lacks them.
GivenSplitFolderFiles given_split_folder_files(const std::string& folder);

// Every training row, then every test row (users in index order, items ascending within a user, not
// in the files' order): user u is id u,
// item i is id i (the files' 0-based indices), value 1. `source` names the data in messages.
RawInteractions given_split_union(const GivenSplit& split, const std::string& source);

// given_split_union of the folder's files, loaded and cross-checked by load_given_split.
RawInteractions load_given_split_union(const std::string& folder);

}  // namespace aelab
