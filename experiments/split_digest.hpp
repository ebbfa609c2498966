#pragma once
// The content digest of a split: the provenance recorded in manifests and the key that decides whether
// a stored result still belongs to a config.
#include <string>

#include "core/data/split_data.hpp"

namespace aelab {

// A digest of exactly what solvers and metrics see: item count, the training matrix and both held-out
// sets (uids, fold-in and held-out rows). Two splits with equal digests give equal results.
std::string split_digest(const SplitData& split);

}  // namespace aelab
