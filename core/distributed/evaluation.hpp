#pragma once
// The metrics of a dense item-item model W that stays block-cyclic (no process holds it whole),
// equal to core/eval/metrics' evaluate() on the gathered W:
//  1. for a batch of users, each process sums the rows of its blocks over the user's fold-in items
//     (partial scores of its columns) and the processes of a grid column add them up (allreduce), so
//     every process holds the complete scores of its columns;
//  2. within a grid column the users are shared out by grid row; each process keeps its users' best
//     k_max eligible items among its columns (the ranking rule of metrics.hpp: score descending,
//     index ascending, NaN last);
//  3. the candidates are allgathered and merged per user: the rule is a strict total order, so the
//     best k of the union of per-column-block bests is the global top k.
// Communication per batch of b users: b n / P_c doubles reduced in each grid column, b k_max P_c
// candidates gathered.
#include <vector>

#include "core/data/split_data.hpp"
#include "core/distributed/block_cyclic_matrix.hpp"
#include "core/eval/metrics.hpp"

namespace aelab::distributed {

// The users per batch when none is given: as many as keep the largest process's partial scores near
// 64 MiB. The same on every process (batches are collective; a size from each process's own column
// count would misalign them).
template <typename T>
std::size_t default_batch_users(const BlockCyclicMatrix<T>& W);

// Scores are summed in double whatever T is. batch_users = 0: default_batch_users(W).
template <typename T>
EvaluationResult evaluate_distributed(const BlockCyclicMatrix<T>& W, const HeldOutSet& set,
                                      const std::vector<MetricSpec>& metrics, std::size_t batch_users = 0);

}  // namespace aelab::distributed
