#pragma once
// The training error of an autoencoder, SE = ||X - f(X)||_F^2 (docs/MATH.md §2.6, Eq. 1), for any FittedModel,
// computed in batches of users without an m x n dense matrix:
//   ||X - F||_F^2 = ||X||_F^2 - 2 <X, F> + ||F||_F^2,
// where, for binary X, ||X||_F^2 = nnz(X) and <X, F> sums F over the non-zeros of X. Each batch of
// scores (n x b, one user per column, from FittedModel::score on the training rows) is reduced in
// double precision and dropped.
#include <cstddef>

#include "core/data/binary_csr.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

// batch_users = 0: as many users as fit in about 64 MiB of scores.
double squared_error(const FittedModel& model, const BinaryCsr& X, std::size_t batch_users = 0);

}  // namespace aelab
