#pragma once
// Ranking metrics (docs/METRICS.md), computed in batches of users so that no held-out-users x items
// score matrix is ever materialised whole.
//
// Ranking rule: fold-in items are excluded (the reference sets their scores to -inf; the two agree
// except when fewer than k items are eligible, where -inf items would fill the list without ever
// being hits, as only duplicate raw rows can put an item in both); items are ordered by score descending, and equal scores
// by item index ascending (the lower index ranks first). NaN scores rank below every number.
// With T the user's held-out items and hits = |top-k ∩ T|:
//   ndcg@k         = sum_{r<=k} rel(r)/log2(r+1)  /  sum_{r<=min(k,|T|)} 1/log2(r+1)   (both literatures)
//   recall@k       = hits / min(k, |T|)        (Mult-VAE / vae_cf code)
//   recall_ngcf@k  = hits / |T|                (NGCF / LightGCN code)
//   hitrate@k      = 1 if hits > 0, else 0
//   precision@k    = hits / k
// Users without held-out items have undefined metrics: they are excluded and counted.
// Mean and standard error = population standard deviation (ddof 0) / sqrt(#users).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/binary_csr.hpp"
#include "core/data/split_data.hpp"
#include "core/solver/solver.hpp"

namespace aelab {

struct MetricSpec {
  enum class Kind { ndcg, recall, recall_ngcf, hitrate, precision };
  Kind kind = Kind::ndcg;
  std::size_t k = 100;
  std::string name() const;  // "ndcg@100", "recall@20", "recall_ngcf@20", "hitrate@10", "precision@5"
  // Parses "<kind>@<k>" (case-insensitive kind, k >= 1); throws aelab::Error otherwise.
  static MetricSpec parse(const std::string& text);
  // One line saying what it measures and whose definition it is, printed next to results so that a
  // reader never mistakes one recall for the other (docs/METRICS.md).
  std::string definition() const;
};

// nDCG@100, Recall@20, Recall@50.
std::vector<MetricSpec> default_metrics();
// The metrics of the given-split literature at k = 20: recall_ngcf@20, ndcg@20, hitrate@20, precision@20.
std::vector<MetricSpec> given_split_metrics();

struct MetricSummary {
  double mean = 0;
  double se = 0;
  std::size_t n_users = 0;
};

struct EvaluationResult {
  std::vector<std::uint64_t> uids;                      // evaluated users, in held-out row order
  std::map<std::string, std::vector<double>> per_user;  // metric name -> one value per evaluated user
  std::size_t n_excluded = 0;                           // users without held-out items
  std::size_t n_nonfinite_scores = 0;                   // NaN/inf scores of ranked items (a diverged model)
  int ranking_threads = 1;                              // most threads that ranked one batch's users
  double seconds = 0;
  MetricSummary summary(const std::string& metric) const;
};

// The k best items of one user's scores (n items) under the ranking rule, best first; `excluded` is
// the user's sorted fold-in row. Returns fewer than k items when fewer are eligible.
void top_k_items(const double* scores, std::size_t n, const BinaryCsr::Row& excluded, std::size_t k,
                 std::vector<std::uint32_t>& out);

// Metric values of one user from a best-first ranking (at least k long when k items are eligible).
double ndcg_at_k(const std::vector<std::uint32_t>& ranking, const BinaryCsr::Row& held_out, std::size_t k);
double recall_at_k(const std::vector<std::uint32_t>& ranking, const BinaryCsr::Row& held_out, std::size_t k);
double recall_ngcf_at_k(const std::vector<std::uint32_t>& ranking, const BinaryCsr::Row& held_out, std::size_t k);
double hitrate_at_k(const std::vector<std::uint32_t>& ranking, const BinaryCsr::Row& held_out, std::size_t k);
double precision_at_k(const std::vector<std::uint32_t>& ranking, const BinaryCsr::Row& held_out, std::size_t k);
// The value of `metric` for one user (dispatches on its kind).
double metric_value(const MetricSpec& metric, const std::vector<std::uint32_t>& ranking, const BinaryCsr::Row& held_out);

MetricSummary summarize(const std::vector<double>& values);

// Scores every user of `set` with `model` in batches of `batch_users` (0: as many as fit in about
// 256 MiB of scores) and computes `metrics` per user; a batch's users are ranked on up to as many
// OpenMP threads as BLAS may use (at least 64 users each), with the same values for any thread count.
EvaluationResult evaluate(const FittedModel& model, const HeldOutSet& set, const std::vector<MetricSpec>& metrics,
                          std::size_t batch_users = 0);

}  // namespace aelab
