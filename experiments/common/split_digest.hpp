#pragma once
// The content digest of a split: the provenance recorded in manifests and the key that decides whether
// a stored result still belongs to a config.
#include <string>

#include "core/data/split_data.hpp"

namespace aelab {

// A digest of exactly what solvers and metrics see: item count, the training matrix and both held-out
// sets (uids, fold-in and held-out rows). Two splits with equal digests give equal results.
std::string split_digest(const SplitData& split);

// A digest of one interaction matrix (shape and nonzero pattern): the key of results that depend on a
// training matrix alone (the Proposition's fits).
std::string matrix_digest(const BinaryCsr& matrix);

}  // namespace aelab
