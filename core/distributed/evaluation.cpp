#include "core/distributed/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <mpi.h>

#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::distributed {

namespace {

struct Candidate {
  double score;
  std::uint32_t item;
  std::uint32_t user;  // index in the batch
};

// The ranking rule of core/eval/metrics.hpp: higher score first, then lower index; NaN last.
bool ranks_before(const Candidate& a, const Candidate& b) {
  const bool na = std::isnan(a.score), nb = std::isnan(b.score);
  if (na != nb) return nb;
  if (!na && a.score != b.score) return a.score > b.score;
  return a.item < b.item;
}

void keep_best(std::vector<Candidate>& list, std::size_t k) {
  if (list.size() > k) {
    std::nth_element(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(k - 1), list.end(), ranks_before);
    list.resize(k);
  }
  std::sort(list.begin(), list.end(), ranks_before);
}

// Scores of this process's columns for users [begin, end) (local column x user), complete after the
// grid column's allreduce.
template <typename T>
arma::mat column_scores(const BlockCyclicMatrix<T>& W, const BinaryCsr& fold_in, std::size_t begin, std::size_t end) {
  const std::size_t count = end - begin;
  std::vector<std::vector<int>> rows(count);
  for (std::size_t u = 0; u < count; ++u)
    for (std::uint32_t i : fold_in.row(begin + u)) {
      const int li = W.local_row(static_cast<int>(i));
      if (li >= 0) rows[u].push_back(li);
    }
  // Columns outer: one column of W stays in cache while every user of the batch reads it.
  arma::mat scores(static_cast<arma::uword>(W.local_cols()), count, arma::fill::zeros);
  for (int lj = 0; lj < W.local_cols(); ++lj) {
    const T* column = W.local().colptr(static_cast<arma::uword>(lj));
    for (std::size_t u = 0; u < count; ++u) {
      double sum = 0;
      for (int li : rows[u]) sum += static_cast<double>(column[li]);
      scores.at(static_cast<arma::uword>(lj), u) = sum;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, scores.memptr(), static_cast<int>(scores.n_elem), MPI_DOUBLE, MPI_SUM,
                W.grid().column_comm());
  return scores;
}

// This process's candidates (its share of the batch's users, its columns) and its count of
// non-finite scores among the items it ranks.
template <typename T>
void local_candidates(const BlockCyclicMatrix<T>& W, const HeldOutSet& set, std::size_t begin, const arma::mat& scores,
                      std::size_t k, std::vector<Candidate>& out, std::size_t& nonfinite) {
  std::vector<Candidate> list;
  for (std::size_t u = static_cast<std::size_t>(W.grid().row()); u < scores.n_cols;
       u += static_cast<std::size_t>(W.grid().rows())) {
    if (set.held_out.row(begin + u).empty()) continue;
    const auto fold_in = set.fold_in.row(begin + u);
    list.clear();
    for (int lj = 0; lj < W.local_cols(); ++lj) {
      const auto j = static_cast<std::uint32_t>(W.global_col(lj));
      if (std::binary_search(fold_in.begin(), fold_in.end(), j)) continue;
      const double s = scores.at(static_cast<arma::uword>(lj), u);
      nonfinite += !std::isfinite(s);
      list.push_back({s, j, static_cast<std::uint32_t>(u)});
    }
    keep_best(list, k);
    out.insert(out.end(), list.begin(), list.end());
  }
}

std::vector<Candidate> allgather(const std::vector<Candidate>& mine) {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int bytes = static_cast<int>(mine.size() * sizeof(Candidate));
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size), 0);
  MPI_Allgather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int p = 1; p < size; ++p) offsets[static_cast<std::size_t>(p)] = offsets[static_cast<std::size_t>(p - 1)] + counts[static_cast<std::size_t>(p - 1)];
  std::vector<Candidate> all(static_cast<std::size_t>(offsets.back() + counts.back()) / sizeof(Candidate));
  MPI_Allgatherv(mine.data(), bytes, MPI_BYTE, all.data(), counts.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD);
  return all;
}

}  // namespace

template <typename T>
std::size_t default_batch_users(const BlockCyclicMatrix<T>& W) {
  // Grid column 0 holds the most columns: ceil(blocks / P_c) blocks.
  const std::size_t blocks = (static_cast<std::size_t>(W.cols()) + W.block() - 1) / W.block();
  const std::size_t widest = ((blocks + W.grid().cols() - 1) / W.grid().cols()) * W.block();
  return std::max<std::size_t>(1, (std::size_t(64) << 20) / (8 * std::max<std::size_t>(1, widest)));
}

template <typename T>
EvaluationResult evaluate_distributed(const BlockCyclicMatrix<T>& W, const HeldOutSet& set,
                                      const std::vector<MetricSpec>& metrics, std::size_t batch_users) {
  Timer timer;
  const std::size_t n = static_cast<std::size_t>(W.cols());
  if (W.rows() != W.cols() || set.fold_in.n_cols() != n || set.held_out.n_cols() != n)
    throw Error("evaluate: the held-out users have " + std::to_string(set.fold_in.n_cols()) +
                " items but the model has " + std::to_string(n));
  if (set.fold_in.n_rows() != set.n_users() || set.held_out.n_rows() != set.n_users())
    throw Error("evaluate: fold-in and held-out rows do not match the user list");
  if (batch_users == 0) batch_users = default_batch_users(W);
  std::size_t k_max = 0;
  for (const auto& m : metrics) k_max = std::max(k_max, m.k);

  EvaluationResult result;
  for (const auto& m : metrics) result.per_user[m.name()];
  std::size_t nonfinite = 0;
  std::vector<std::vector<Candidate>> per_user;
  std::vector<std::uint32_t> ranking;
  for (std::size_t begin = 0; begin < set.n_users(); begin += batch_users) {
    const std::size_t end = std::min(set.n_users(), begin + batch_users);
    const arma::mat scores = column_scores(W, set.fold_in, begin, end);
    std::vector<Candidate> mine;
    local_candidates(W, set, begin, scores, k_max, mine, nonfinite);
    per_user.assign(end - begin, {});
    for (const Candidate& c : allgather(mine)) per_user[c.user].push_back(c);
    for (std::size_t u = 0; u < end - begin; ++u) {
      const auto held_out = set.held_out.row(begin + u);
      if (held_out.empty()) {
        ++result.n_excluded;
        continue;
      }
      keep_best(per_user[u], k_max);
      ranking.clear();
      for (const Candidate& c : per_user[u]) ranking.push_back(c.item);
      result.uids.push_back(set.uids[begin + u]);
      for (const auto& m : metrics) result.per_user[m.name()].push_back(metric_value(m, ranking, held_out));
    }
  }
  unsigned long long total = nonfinite;
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  result.n_nonfinite_scores = static_cast<std::size_t>(total);
  result.seconds = timer.seconds();
  return result;
}

template std::size_t default_batch_users<float>(const BlockCyclicMatrix<float>&);
template std::size_t default_batch_users<double>(const BlockCyclicMatrix<double>&);
template EvaluationResult evaluate_distributed<float>(const BlockCyclicMatrix<float>&, const HeldOutSet&,
                                                      const std::vector<MetricSpec>&, std::size_t);
template EvaluationResult evaluate_distributed<double>(const BlockCyclicMatrix<double>&, const HeldOutSet&,
                                                       const std::vector<MetricSpec>&, std::size_t);

}  // namespace aelab::distributed
