// Metrics against brute-force definitions (docs/MATH.md §4), including ties, NaN scores, users with fewer
// held-out items than k, users without held-out items, and batching.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/eval/metrics.hpp"
#include "core/linalg/blas.hpp"
#include "core/solver/models.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

// Full sort of eligible items by (score desc, index asc); the definition the heap must reproduce.
std::vector<std::uint32_t> brute_ranking(const arma::vec& s, const std::vector<std::uint32_t>& excluded) {
  std::vector<std::uint32_t> items;
  for (std::uint32_t j = 0; j < s.n_elem; ++j)
    if (std::find(excluded.begin(), excluded.end(), j) == excluded.end()) items.push_back(j);
  std::sort(items.begin(), items.end(), [&](std::uint32_t a, std::uint32_t b) {
    const bool na = std::isnan(s[a]), nb = std::isnan(s[b]);
    if (na != nb) return nb;
    if (!na && s[a] != s[b]) return s[a] > s[b];
    return a < b;
  });
  return items;
}

double brute_ndcg(const std::vector<std::uint32_t>& ranking, const std::vector<std::uint32_t>& truth, std::size_t k) {
  double dcg = 0, idcg = 0;
  for (std::size_t r = 0; r < k && r < ranking.size(); ++r)
    if (std::count(truth.begin(), truth.end(), ranking[r])) dcg += 1 / std::log2(r + 2.0);
  for (std::size_t r = 0; r < std::min(k, truth.size()); ++r) idcg += 1 / std::log2(r + 2.0);
  return dcg / idcg;
}

double brute_recall(const std::vector<std::uint32_t>& ranking, const std::vector<std::uint32_t>& truth, std::size_t k) {
  std::size_t hits = 0;
  for (std::size_t r = 0; r < k && r < ranking.size(); ++r) hits += std::count(truth.begin(), truth.end(), ranking[r]);
  return static_cast<double>(hits) / static_cast<double>(std::min(k, truth.size()));
}

// A model returning fixed scores per row, to test evaluate() without any solver.
class FixedScores : public FittedModel {
 public:
  explicit FixedScores(arma::mat by_user) : s_(std::move(by_user)) {}
  std::size_t n_items() const override { return s_.n_rows; }
  void score(const BinaryCsr&, std::size_t begin, std::size_t end, arma::mat& out) const override {
    out = s_.cols(begin, end - 1);
  }

 private:
  arma::mat s_;
};

// Held-out users for evaluate(): fold-in rows from test::random_binary(fold_seed), held-out items
// drawn from the rest with probability 1 / truth_one_in, none for the users u with
// u % empty_every == empty_at (they must be excluded and counted); uids uid_base + u.
HeldOutSet random_held_out(std::size_t users, std::size_t n, unsigned fold_seed, std::mt19937& rng,
                           unsigned truth_one_in, unsigned empty_every, unsigned empty_at, std::uint64_t uid_base) {
  HeldOutSet set;
  set.fold_in = test::random_binary(users, n, 0.1, fold_seed);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> truth;
  for (std::uint32_t u = 0; u < users; ++u) {
    if (u % empty_every == empty_at) continue;
    const auto row = set.fold_in.row(u);
    for (std::uint32_t j = 0; j < n; ++j)
      if (rng() % truth_one_in == 0 && !std::binary_search(row.begin(), row.end(), j)) truth.emplace_back(u, j);
  }
  set.held_out = BinaryCsr::from_pairs(users, n, truth);
  for (std::uint32_t u = 0; u < users; ++u) set.uids.push_back(uid_base + u);
  return set;
}

}  // namespace

TEST_CASE("metric names parse and print") {
  CHECK(MetricSpec::parse("ndcg@100").name() == "ndcg@100");
  CHECK(MetricSpec::parse("Recall@20").name() == "recall@20");
  CHECK_THROWS_WITH_AS(MetricSpec::parse("ndcg"), doctest::Contains("expected a metric"), Error);
  CHECK_THROWS_AS(MetricSpec::parse("map@10"), Error);
  CHECK_THROWS_AS(MetricSpec::parse("ndcg@0"), Error);
  CHECK_THROWS_AS(MetricSpec::parse("ndcg@x"), Error);
}

TEST_CASE("top-k ranking: ties go to the lower index, NaN ranks last, fold-in items are excluded") {
  arma::vec s = {0.5, 0.9, 0.5, 0.9, arma::datum::nan, 0.1, 0.5};
  std::vector<std::uint32_t> fold_in = {3};
  BinaryCsr row = BinaryCsr::from_pairs(1, s.n_elem, {{0, 3}});
  std::vector<std::uint32_t> got;
  top_k_items(s.memptr(), s.n_elem, row.row(0), 10, got);
  CHECK(got == std::vector<std::uint32_t>{1, 0, 2, 6, 5, 4});
  top_k_items(s.memptr(), s.n_elem, row.row(0), 3, got);
  CHECK(got == std::vector<std::uint32_t>{1, 0, 2});
  const auto full = brute_ranking(s, fold_in);
  CHECK(got == std::vector<std::uint32_t>(full.begin(), full.begin() + 3));
}

TEST_CASE("top-k selection equals a full sort on long score vectors with ties, NaN and infinities") {
  // Long enough for the selection buffer (4k candidates) to be cut many times.
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 200 + rng() % 3000;
    arma::vec s(n);
    for (auto& x : s) {
      const unsigned kind = rng() % 20;
      x = kind == 0 ? arma::datum::nan : kind == 1 ? -arma::datum::inf : kind == 2 ? arma::datum::inf
                                                                         : static_cast<double>(rng() % (trial % 2 ? 9 : 100000));
    }
    if (trial % 5 == 0) s.fill(arma::datum::nan);  // every score NaN: index order
    if (trial % 5 == 1) std::sort(s.begin(), s.end());  // ascending: every item enters the buffer
    if (trial % 5 == 2) s.head(n * 9 / 10).fill(arma::datum::nan);  // the bar is NaN when finite scores arrive
    std::vector<std::uint32_t> fold;
    for (std::uint32_t j = 0; j < n; ++j)
      if (rng() % 10 == 0) fold.push_back(j);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> fp;
    for (auto j : fold) fp.emplace_back(0, j);
    const BinaryCsr F = BinaryCsr::from_pairs(1, n, fp);
    const auto ranking = brute_ranking(s, fold);
    for (std::size_t k : {1ul, 7ul, 100ul, 1000ul, 5000ul}) {
      CAPTURE(trial);
      CAPTURE(k);
      std::vector<std::uint32_t> top;
      top_k_items(s.memptr(), n, F.row(0), k, top);
      CHECK(top == std::vector<std::uint32_t>(ranking.begin(), ranking.begin() + std::min(k, ranking.size())));
    }
  }
}

TEST_CASE("NDCG and Recall equal the brute-force definitions on random cases with ties") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 5 + rng() % 60;
    arma::vec s(n);
    // Few distinct values so that ties are frequent.
    for (auto& x : s) x = static_cast<double>(rng() % 7);
    std::vector<std::uint32_t> items(n);
    std::iota(items.begin(), items.end(), 0);
    std::shuffle(items.begin(), items.end(), rng);
    const std::size_t n_fold = rng() % (n / 2), n_true = 1 + rng() % (n - n_fold - 1);
    std::vector<std::uint32_t> fold(items.begin(), items.begin() + n_fold);
    std::vector<std::uint32_t> truth(items.begin() + n_fold, items.begin() + n_fold + n_true);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> fp, tp;
    for (auto j : fold) fp.emplace_back(0, j);
    for (auto j : truth) tp.emplace_back(0, j);
    const BinaryCsr F = BinaryCsr::from_pairs(1, n, fp), T = BinaryCsr::from_pairs(1, n, tp);
    const auto ranking = brute_ranking(s, fold);
    for (std::size_t k : {1ul, 3ul, 10ul, 100ul}) {
      std::vector<std::uint32_t> top;
      top_k_items(s.memptr(), n, F.row(0), k, top);
      CHECK(top == std::vector<std::uint32_t>(ranking.begin(), ranking.begin() + std::min(k, ranking.size())));
      CHECK(ndcg_at_k(top, T.row(0), k) == doctest::Approx(brute_ndcg(ranking, truth, k)).epsilon(1e-14));
      CHECK(recall_at_k(top, T.row(0), k) == doctest::Approx(brute_recall(ranking, truth, k)).epsilon(1e-14));
    }
  }
}

TEST_CASE("a perfect ranking has NDCG 1 and Recall 1 even with fewer held-out items than k") {
  arma::vec s = {5, 4, 3, 2, 1};
  const BinaryCsr F = BinaryCsr::from_pairs(1, 5, {}), T = BinaryCsr::from_pairs(1, 5, {{0, 0}, {0, 1}});
  std::vector<std::uint32_t> top;
  top_k_items(s.memptr(), 5, F.row(0), 100, top);
  CHECK(ndcg_at_k(top, T.row(0), 100) == doctest::Approx(1.0));
  CHECK(recall_at_k(top, T.row(0), 100) == doctest::Approx(1.0));
  // Held-out items ranked 2nd and 3rd: DCG = 1/log2(3) + 1/log2(4), IDCG = 1 + 1/log2(3).
  const BinaryCsr T2 = BinaryCsr::from_pairs(1, 5, {{0, 1}, {0, 2}});
  CHECK(ndcg_at_k(top, T2.row(0), 100) == doctest::Approx((1 / std::log2(3.0) + 0.5) / (1 + 1 / std::log2(3.0))));
  CHECK(recall_at_k(top, T2.row(0), 1) == doctest::Approx(0.0));
  CHECK(recall_at_k(top, T2.row(0), 2) == doctest::Approx(0.5));
}

TEST_CASE("evaluate: batching does not change per-user values; empty held-out users are excluded and counted") {
  const std::size_t n = 40, users = 23;
  std::mt19937 rng(11);
  const HeldOutSet set = random_held_out(users, n, 3, rng, 5, 7, 3, 100);
  const BinaryCsr& fold = set.fold_in;
  arma::mat scores(n, users);
  for (auto& x : scores) x = static_cast<double>(rng() % 4);
  FixedScores model(scores);

  const auto whole = evaluate(model, set, default_metrics(), 1000);
  const auto batched = evaluate(model, set, default_metrics(), 4);
  std::size_t empty = 0;
  for (std::size_t u = 0; u < users; ++u) empty += set.held_out.row(u).empty();
  CHECK(whole.n_excluded == empty);
  CHECK(whole.uids.size() == users - empty);
  CHECK(whole.uids == batched.uids);
  for (const auto& m : default_metrics()) CHECK(whole.per_user.at(m.name()) == batched.per_user.at(m.name()));

  // Per-user values equal the brute force; mean and SE use ddof 0.
  std::vector<double> expected;
  for (std::size_t u = 0; u < users; ++u) {
    if (set.held_out.row(u).empty()) continue;
    std::vector<std::uint32_t> f(fold.row(u).begin(), fold.row(u).end()),
        t(set.held_out.row(u).begin(), set.held_out.row(u).end());
    expected.push_back(brute_ndcg(brute_ranking(scores.col(u), f), t, 100));
  }
  const auto& got = whole.per_user.at("ndcg@100");
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-14));
  const arma::vec e(expected);
  const auto summary = whole.summary("ndcg@100");
  CHECK(summary.mean == doctest::Approx(arma::mean(e)).epsilon(1e-14));
  CHECK(summary.se == doctest::Approx(arma::stddev(e, 1) / std::sqrt(double(e.n_elem))).epsilon(1e-12));
  CHECK_THROWS_AS(whole.summary("ndcg@7"), Error);
}

TEST_CASE("evaluate counts non-finite scores of ranked items only") {
  HeldOutSet set;
  set.fold_in = BinaryCsr::from_pairs(2, 4, {{0, 0}, {1, 1}});
  set.held_out = BinaryCsr::from_pairs(2, 4, {{0, 2}, {1, 3}});
  set.uids = {7, 8};
  arma::mat scores = {{-arma::datum::inf, 1.0}, {0.5, -arma::datum::inf}, {0.9, arma::datum::nan}, {0.1, 0.2}};
  // User 0: -inf on its own fold-in item only (as the reference masks); user 1: one NaN on a ranked item.
  const auto result = evaluate(FixedScores(scores), set, default_metrics());
  CHECK(result.n_nonfinite_scores == 1);
  CHECK(result.per_user.at("recall@20") == std::vector<double>{1.0, 1.0});
}

TEST_CASE("evaluate: users ranked on several threads give the values of one thread, in row order") {
  // Large enough that the threads overlap in time: a buffer shared between them by mistake (a static
  // top-k buffer, or one ranking vector for all threads) made this test fail in every run tried.
  const std::size_t n = 1500, users = 3000;
  std::mt19937 rng(13);
  const HeldOutSet set = random_held_out(users, n, 5, rng, 6, 9, 4, 1000);
  const BinaryCsr& fold = set.fold_in;
  arma::mat scores(n, users);
  for (auto& x : scores) x = rng() % 50 == 0 ? arma::datum::nan : static_cast<double>(rng() % 5);
  FixedScores model(scores);

  const int threads_before = blas_threads();
  set_blas_threads(1);
  const auto one = evaluate(model, set, default_metrics(), 1000);
  set_blas_threads(3);  // three shares of each 1000-user batch
  const auto three = evaluate(model, set, default_metrics(), 1000);
  const auto small_batches = evaluate(model, set, default_metrics(), 150);
  set_blas_threads(threads_before);
  CHECK(one.ranking_threads == 1);
  CHECK(three.ranking_threads == 3);          // the comparison below is between 1 and 3 threads
  CHECK(small_batches.ranking_threads == 2);  // 150 users: two shares of at least 64
  std::size_t empty = 0;
  for (std::size_t u = 0; u < users; ++u) empty += set.held_out.row(u).empty();
  for (const auto* r : {&three, &small_batches}) {
    CHECK(r->uids == one.uids);
    CHECK(r->n_excluded == empty);
    CHECK(r->n_nonfinite_scores == one.n_nonfinite_scores);
    for (const auto& m : default_metrics()) CHECK(r->per_user.at(m.name()) == one.per_user.at(m.name()));
  }
  CHECK(one.n_nonfinite_scores > 0);
  std::size_t i = 0;
  for (std::size_t u = 0; u < users; ++u) {
    if (set.held_out.row(u).empty()) continue;
    std::vector<std::uint32_t> f(fold.row(u).begin(), fold.row(u).end()),
        t(set.held_out.row(u).begin(), set.held_out.row(u).end());
    CHECK(three.per_user.at("recall@20")[i++] == doctest::Approx(brute_recall(brute_ranking(scores.col(u), f), t, 20)));
  }
}

namespace {

// The given-split metrics as the NGCF / LightGCN code computes them from the 0/1 hit list r of the
// ranking's first k items (docs/METRICS.md): recall = sum(r) / |T|, precision = sum(r) / k,
// hit = any(r), NDCG normalised by the ideal DCG of min(k, |T|) hits.
struct BruteGiven {
  double recall_ngcf, precision, hitrate, ndcg;
};

BruteGiven brute_given(const std::vector<std::uint32_t>& ranking, const std::vector<std::uint32_t>& truth, std::size_t k) {
  std::vector<int> r;
  for (std::size_t i = 0; i < k && i < ranking.size(); ++i)
    r.push_back(std::find(truth.begin(), truth.end(), ranking[i]) != truth.end());
  const double hits = std::accumulate(r.begin(), r.end(), 0.0);
  double dcg = 0, idcg = 0;
  for (std::size_t i = 0; i < r.size(); ++i) dcg += r[i] / std::log2(i + 2.0);
  for (std::size_t i = 0; i < std::min(k, truth.size()); ++i) idcg += 1 / std::log2(i + 2.0);
  return {hits / truth.size(), hits / k, hits > 0 ? 1.0 : 0.0, dcg / idcg};
}

}  // namespace

TEST_CASE("given-split metric names: recall_ngcf@k, hitrate@k, precision@k") {
  CHECK(MetricSpec::parse("recall_ngcf@20").name() == "recall_ngcf@20");
  CHECK(MetricSpec::parse("HitRate@10").kind == MetricSpec::Kind::hitrate);
  CHECK(MetricSpec::parse("precision@5").name() == "precision@5");
  CHECK(MetricSpec::parse("recall@20").kind == MetricSpec::Kind::recall);  // unchanged: the vae_cf recall
  CHECK_THROWS_WITH_AS(MetricSpec::parse("ngcf_recall@5"),
                       "expected a metric like \"ndcg@100\" or \"recall@20\" (ndcg, recall, recall_ngcf, hitrate or precision, "
                       "then @k with k >= 1), got \"ngcf_recall@5\"",
                       Error);
  CHECK_THROWS_AS(MetricSpec::parse("precision@0"), Error);
}

TEST_CASE("given-split metrics equal the NGCF / LightGCN formulas on random cases with ties, |T| > k and |T| = 1") {
  std::mt19937 rng(17);
  std::size_t long_truth = 0, single_truth = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n = 8 + rng() % 80;
    arma::vec s(n);
    for (auto& x : s) x = static_cast<double>(rng() % 6);  // few distinct scores: many ties
    std::vector<std::uint32_t> items(n);
    std::iota(items.begin(), items.end(), 0);
    std::shuffle(items.begin(), items.end(), rng);
    const std::size_t n_fold = rng() % (n / 2);
    // A third of the users have one test item; others up to all remaining items (often more than k).
    const std::size_t n_true = trial % 3 == 0 ? 1 : 1 + rng() % (n - n_fold - 1);
    long_truth += n_true > 10;
    single_truth += n_true == 1;
    const std::vector<std::uint32_t> fold(items.begin(), items.begin() + n_fold);
    const std::vector<std::uint32_t> truth(items.begin() + n_fold, items.begin() + n_fold + n_true);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> fp, tp;
    for (auto j : fold) fp.emplace_back(0, j);
    for (auto j : truth) tp.emplace_back(0, j);
    const BinaryCsr F = BinaryCsr::from_pairs(1, n, fp), T = BinaryCsr::from_pairs(1, n, tp);
    const auto ranking = brute_ranking(s, fold);
    for (std::size_t k : {1ul, 5ul, 10ul, 200ul}) {
      CAPTURE(trial);
      CAPTURE(k);
      std::vector<std::uint32_t> top;
      top_k_items(s.memptr(), n, F.row(0), k, top);
      const BruteGiven expected = brute_given(ranking, truth, k);
      CHECK(metric_value({MetricSpec::Kind::recall_ngcf, k}, top, T.row(0)) == doctest::Approx(expected.recall_ngcf).epsilon(1e-14));
      CHECK(metric_value({MetricSpec::Kind::precision, k}, top, T.row(0)) == doctest::Approx(expected.precision).epsilon(1e-14));
      CHECK(metric_value({MetricSpec::Kind::hitrate, k}, top, T.row(0)) == expected.hitrate);
      CHECK(metric_value({MetricSpec::Kind::ndcg, k}, top, T.row(0)) == doctest::Approx(expected.ndcg).epsilon(1e-14));
      // With |T| <= k the two recalls agree; beyond k they differ by |T| / k.
      if (truth.size() <= k)
        CHECK(recall_ngcf_at_k(top, T.row(0), k) == doctest::Approx(recall_at_k(top, T.row(0), k)).epsilon(1e-14));
    }
  }
  CHECK(long_truth > 50);
  CHECK(single_truth > 100);
}

TEST_CASE("given-split metrics: hand-computed values, and evaluate() dispatches every kind") {
  // 30 test items ranked first: recall@20 (vae_cf) = 20 / min(20, 30) = 1, recall_ngcf@20 = 20 / 30.
  std::vector<std::uint32_t> ranking(40);
  std::iota(ranking.begin(), ranking.end(), 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tp;
  for (std::uint32_t j = 0; j < 30; ++j) tp.emplace_back(0, j);
  const BinaryCsr T = BinaryCsr::from_pairs(1, 40, tp);
  CHECK(recall_at_k(ranking, T.row(0), 20) == 1.0);
  CHECK(recall_ngcf_at_k(ranking, T.row(0), 20) == doctest::Approx(20.0 / 30.0));
  CHECK(precision_at_k(ranking, T.row(0), 20) == 1.0);
  CHECK(precision_at_k(ranking, T.row(0), 50) == doctest::Approx(30.0 / 50.0));  // a 40-item list still divides by k
  CHECK(hitrate_at_k(ranking, T.row(0), 1) == 1.0);
  const BinaryCsr single = BinaryCsr::from_pairs(1, 40, {{0, 3}});
  CHECK(hitrate_at_k(ranking, single.row(0), 3) == 0.0);
  CHECK(hitrate_at_k(ranking, single.row(0), 4) == 1.0);
  CHECK(precision_at_k(ranking, single.row(0), 4) == 0.25);
  CHECK(ndcg_at_k(ranking, single.row(0), 4) == doctest::Approx(1.0 / std::log2(5.0)));
  CHECK_THROWS_AS(recall_ngcf_at_k(ranking, BinaryCsr::from_pairs(1, 40, {}).row(0), 5), Error);

  const std::size_t n = 30, users = 50;
  std::mt19937 rng(19);
  const HeldOutSet set = random_held_out(users, n, 7, rng, 4, 11, 5, 0);
  arma::mat scores(n, users);
  for (auto& x : scores) x = static_cast<double>(rng() % 5);
  const std::vector<MetricSpec> metrics = {MetricSpec::parse("recall_ngcf@5"), MetricSpec::parse("hitrate@3"),
                                           MetricSpec::parse("precision@4"), MetricSpec::parse("recall@5")};
  const auto result = evaluate(FixedScores(scores), set, metrics, 7);
  std::size_t i = 0;
  for (std::size_t u = 0; u < users; ++u) {
    if (set.held_out.row(u).empty()) continue;
    std::vector<std::uint32_t> f(set.fold_in.row(u).begin(), set.fold_in.row(u).end()),
        t(set.held_out.row(u).begin(), set.held_out.row(u).end());
    const auto ranked = brute_ranking(scores.col(u), f);
    CHECK(result.per_user.at("recall_ngcf@5")[i] == doctest::Approx(brute_given(ranked, t, 5).recall_ngcf));
    CHECK(result.per_user.at("hitrate@3")[i] == brute_given(ranked, t, 3).hitrate);
    CHECK(result.per_user.at("precision@4")[i] == doctest::Approx(brute_given(ranked, t, 4).precision));
    CHECK(result.per_user.at("recall@5")[i] == doctest::Approx(brute_recall(ranked, t, 5)));
    ++i;
  }
  CHECK(i == result.uids.size());
  CHECK(result.n_excluded == users - i);
}
