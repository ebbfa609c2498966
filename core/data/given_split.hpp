#pragma once
// A given per-user train/test split: the protocol of NGCF, LightGCN and the papers and leaderboards
// that reuse their data (docs/GIVEN_SPLIT.md). Every user is a training user; models are fitted on
// all training rows, and user u is scored from its training row and ranked against its test items.
// Either file may be NGCF text (train.txt / test.txt, core/data/ngcf_text.hpp) or a scipy .npz
// (core/data/npz.hpp; the training one may be LightGCN's bipartite adjacency), told apart by content.
#include <cstddef>
#include <optional>
#include <string>

#include "core/data/binary_csr.hpp"
#include "core/data/npz.hpp"
#include "core/data/split_data.hpp"

namespace aelab {

enum class GivenFileKind { text, npz };

// By content: a zip archive is an .npz; a file named *.npz that is not a zip is an .npz too (so that it
// is reported as "not a zip archive"); anything else is text. A bare .npy array or a gzip stream is an
// error naming the file. Throws "<path>: cannot open: ..." for a missing file.
GivenFileKind detect_given_file_kind(const std::string& path);

struct GivenSplitOptions {
  NpzLayout train_layout = NpzLayout::detect;  // of a training .npz
  std::optional<std::size_t> n_users;          // user count of a training bipartite adjacency
  NpzValues values = NpzValues::binary;        // how .npz values are read (both files)
};

struct GivenSplitFile {
  std::string path;
  GivenFileKind kind = GivenFileKind::text;
  std::optional<NpzInfo> npz;  // what an .npz held
};

struct GivenSplit {
  BinaryCsr train;  // users x items: the rows models are fitted on and users are scored from
  BinaryCsr test;   // same shape: the items to rank; users with an empty row are excluded from metrics
  GivenSplitFile train_file, test_file;
  std::size_t n_users() const { return train.n_rows(); }
  std::size_t n_items() const { return train.n_cols(); }
  std::size_t n_test_users() const;  // users with at least one test item
};

// Loads and cross-checks both files. Shape: an .npz gives it (both .npz: identical shapes); two text
// files give users = the largest training user id + 1 and items = the largest item id of either file
// + 1. Throws aelab::Error (one line naming the file and the line or array) for anything either
// reader rejects, a test file that does not fit the training shape, a user with test items but no
// training item, and a test interaction that is also a training interaction.
GivenSplit load_given_split(const std::string& train_path, const std::string& test_path,
                            const GivenSplitOptions& options = {});

// The evaluation of the test part as SplitData: train = the training rows; test = every user, fold-in
// = its training row, held-out = its test items; validation has no users. For hyperparameter
// selection use a validation carve-out of the training rows instead (core/data/validation_carve_out.hpp).
SplitData test_split_data(const GivenSplit& split);

// A part without users over `n_items` items.
HeldOutSet empty_held_out_set(std::size_t n_items);

}  // namespace aelab
