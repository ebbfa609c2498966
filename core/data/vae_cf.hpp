#pragma once
// The split folder of the Mult-VAE / EDLAE code ("pro_sg"): train.csv, validation_tr.csv,
// validation_te.csv, test_tr.csv, test_te.csv (header "uid,sid") and unique_sid.txt.
// Rows are kept in file order so that a folder written by aelab is byte-identical to the reference.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/data/split_data.hpp"

namespace aelab {

struct VaeCfSplit {
  using Rows = std::vector<std::pair<std::uint64_t, std::uint32_t>>;  // (uid, sid) in file order
  Rows train, validation_tr, validation_te, test_tr, test_te;
  std::vector<std::string> unique_sid;  // original item id per sid
};

// Reads a split folder; malformed lines are reported as "<dir>/<file>:<line>: ...".
VaeCfSplit read_vae_cf(const std::string& dir);
// Writes the six files atomically (a temporary folder renamed into place): never a half-written split.
void write_vae_cf(const std::string& dir, const VaeCfSplit& split);
// Undoes what a killed write_vae_cf to `dir` left: a previous split it had moved aside comes back to
// `dir` (when `dir` is missing), and its temporary folders are removed (only those of exited writers).
// write_vae_cf starts with it; call it before deciding whether `dir` exists.
void recover_interrupted_vae_cf_write(const std::string& dir);
// The in-memory form used for training and evaluation.
SplitData to_split_data(const VaeCfSplit& split);

}  // namespace aelab
