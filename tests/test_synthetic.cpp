// The synthetic generator: seeded and deterministic, the requested shape (users, items, mean activity,
// power laws), distinct items per user, ratings 1-5 with about half above 3.5, the streamed file equal
// to the in-memory rows, and a preference structure beyond popularity that item-item co-occurrence
// can exploit (absent when there is a single latent topic).
#include <doctest/doctest.h>

#include <algorithm>
#include <armadillo>
#include <numeric>

#include "core/data/loaders.hpp"
#include "core/data/synthetic.hpp"
#include "core/util/error.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

SyntheticSpec small_spec() {
  SyntheticSpec s;
  s.users = 1500;
  s.items = 400;
  s.mean_items_per_user = 30;
  s.seed = 11;
  return s;
}

std::vector<std::uint64_t> per_item_counts(const RawInteractions& raw) {
  std::vector<std::uint64_t> c(raw.items.size(), 0);
  for (auto i : raw.item) ++c[i];
  return c;
}

double top_share(std::vector<std::uint64_t> counts, double fraction) {
  std::sort(counts.rbegin(), counts.rend());
  const auto top = static_cast<std::size_t>(fraction * static_cast<double>(counts.size()));
  const double all = static_cast<double>(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}));
  return static_cast<double>(std::accumulate(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(top), std::uint64_t{0})) / all;
}

// Recall@20 on every 5th item of the last 500 users, given their other items, scoring with item
// popularity and with item-item cosine co-occurrence learned from the other users.
std::pair<double, double> popularity_and_knn_recall(const RawInteractions& raw, std::size_t n_items) {
  const std::size_t n_users = raw.users.size(), n_eval = 500, n_train = n_users - n_eval;
  arma::mat train(n_train, n_items, arma::fill::zeros);
  std::vector<std::vector<std::uint32_t>> rows(n_users);
  for (std::size_t r = 0; r < raw.n_rows(); ++r) rows[raw.user[r]].push_back(raw.item[r]);
  for (std::size_t u = 0; u < n_train; ++u)
    for (auto i : rows[u]) train(u, i) = 1;
  const arma::rowvec popularity = arma::sum(train, 0);
  arma::mat cooccurrence = train.t() * train;
  const arma::vec norms = arma::sqrt(cooccurrence.diag()) + 1e-9;
  cooccurrence.each_col() /= norms;
  cooccurrence.each_row() /= norms.t();
  cooccurrence.diag().zeros();
  double recall_pop = 0, recall_knn = 0;
  for (std::size_t u = n_train; u < n_users; ++u) {
    std::vector<std::uint32_t> fold_in, held_out;
    for (std::size_t k = 0; k < rows[u].size(); ++k) (k % 5 == 4 ? held_out : fold_in).push_back(rows[u][k]);
    arma::rowvec knn(n_items, arma::fill::zeros);
    for (auto i : fold_in) knn += cooccurrence.row(i);
    const arma::rowvec* methods[] = {&popularity, &knn};
    for (const arma::rowvec* scores : methods) {
      arma::rowvec s = *scores;
      for (auto i : fold_in) s(i) = -1e300;
      const arma::uvec order = arma::sort_index(s, "descend");
      std::size_t hits = 0;
      for (std::size_t r = 0; r < 20; ++r) hits += std::count(held_out.begin(), held_out.end(), order(r));
      (scores == &popularity ? recall_pop : recall_knn) +=
          static_cast<double>(hits) / static_cast<double>(std::min<std::size_t>(20, held_out.size()));
    }
  }
  return {recall_pop / n_eval, recall_knn / n_eval};
}

}  // namespace

TEST_CASE("same seed, same rows; another seed, other rows") {
  const RawInteractions a = generate_synthetic(small_spec()), b = generate_synthetic(small_spec());
  CHECK(a.user == b.user);
  CHECK(a.item == b.item);
  CHECK(a.value == b.value);
  SyntheticSpec other = small_spec();
  other.seed = 12;
  CHECK(generate_synthetic(other).item != a.item);
}

TEST_CASE("shape: users, items, activity, distinct ascending items, ratings") {
  const SyntheticSpec spec = small_spec();
  const RawInteractions raw = generate_synthetic(spec);
  CHECK(raw.users.size() == spec.users);
  CHECK(raw.items.size() <= spec.items);
  CHECK(raw.items.size() > spec.items * 9 / 10);
  const double mean = static_cast<double>(raw.n_rows()) / static_cast<double>(spec.users);
  CHECK(mean == doctest::Approx(spec.mean_items_per_user).epsilon(0.02));
  std::vector<std::size_t> per_user(spec.users, 0);
  bool ascending = true;
  for (std::size_t r = 0; r < raw.n_rows(); ++r) {
    ++per_user[raw.user[r]];
    if (r > 0 && raw.user[r] == raw.user[r - 1])
      ascending = ascending && raw.items.number(raw.item[r]) > raw.items.number(raw.item[r - 1]);
  }
  CHECK(ascending);  // distinct items, ascending within a user (as MovieLens files)
  CHECK(*std::min_element(per_user.begin(), per_user.end()) >= spec.min_items_per_user);
  CHECK(*std::max_element(per_user.begin(), per_user.end()) <= static_cast<std::size_t>(0.35 * spec.items));
  std::size_t above = 0;
  for (double v : raw.value) {
    CHECK((v >= 1 && v <= 5 && v == std::floor(v)));
    above += v > 3.5;
  }
  const double share = static_cast<double>(above) / static_cast<double>(raw.n_rows());
  CHECK(share > 0.4);
  CHECK(share < 0.6);
}

TEST_CASE("power laws: the exponents control popularity and activity skew") {
  SyntheticSpec skewed = small_spec(), flat = small_spec();
  flat.item_popularity_exponent = 0;
  flat.user_activity_exponent = 0;
  const RawInteractions s = generate_synthetic(skewed), f = generate_synthetic(flat);
  // Zipf(1) over 400 items: the top 10% hold 65% of the popularity weight, less of the rows because
  // a user takes an item at most once (popular items saturate).
  MESSAGE("top 10% items share: skewed " << top_share(per_item_counts(s), 0.1) << ", flat " << top_share(per_item_counts(f), 0.1));
  CHECK(top_share(per_item_counts(s), 0.1) > 0.28);
  CHECK(top_share(per_item_counts(f), 0.1) < 0.25);
  std::vector<std::uint64_t> activity_s(skewed.users, 0), activity_f(flat.users, 0);
  for (auto u : s.user) ++activity_s[u];
  for (auto u : f.user) ++activity_f[u];
  // Without skew every user gets floor or ceil of the mean; with it, heavy users dominate.
  CHECK(*std::max_element(activity_f.begin(), activity_f.end()) <= 31);
  CHECK(*std::min_element(activity_f.begin(), activity_f.end()) >= 30);
  CHECK(top_share(activity_s, 0.1) > 0.3);
}

TEST_CASE("latent structure: co-occurrence beats popularity with 16 topics, not with 1") {
  SyntheticSpec spec = small_spec();
  spec.user_activity_exponent = 0.5;
  const auto [pop16, knn16] = popularity_and_knn_recall(generate_synthetic(spec), spec.items);
  spec.latent_dim = 1;
  const auto [pop1, knn1] = popularity_and_knn_recall(generate_synthetic(spec), spec.items);
  MESSAGE("recall@20 popularity / item-kNN: 16 topics " << pop16 << " / " << knn16 << ", 1 topic " << pop1 << " / " << knn1);
  CHECK(knn16 > 1.4 * pop16);
  CHECK(knn1 < 1.1 * pop1);
}

TEST_CASE("the streamed ratings.csv holds the same rows") {
  aelab::test::TempDir dir;
  SyntheticSpec spec = small_spec();
  spec.users = 300;
  const std::size_t written = write_synthetic_movielens_csv(spec, dir.file("ratings.csv"));
  const RawInteractions raw = generate_synthetic(spec);
  const RawInteractions read = load_interactions({"movielens-csv", dir.file("ratings.csv")});
  CHECK(written == raw.n_rows());
  REQUIRE(read.n_rows() == raw.n_rows());
  bool same = true;
  for (std::size_t r = 0; r < raw.n_rows(); ++r)
    same = same && read.users.number(read.user[r]) == raw.users.number(raw.user[r]) &&
           read.items.number(read.item[r]) == raw.items.number(raw.item[r]) && read.value[r] == raw.value[r];
  CHECK(same);
  CHECK(aelab::test::read_text(dir.file("ratings.csv")).rfind("userId,movieId,rating,timestamp\n1,", 0) == 0);
}

TEST_CASE("JSON form: validated, with errors naming the parameter") {
  const SyntheticSpec spec = SyntheticSpec::from_json(
      nlohmann::json{{"users", 50}, {"items", 40}, {"mean_items_per_user", 8}, {"seed", 3}}, "data.synthetic");
  CHECK(spec.users == 50);
  CHECK(spec.items == 40);
  CHECK(spec.seed == 3);
  CHECK(spec.latent_dim == SyntheticSpec().latent_dim);
  const SyntheticSpec back = SyntheticSpec::from_json(spec.to_json(), "x");
  CHECK(back.to_json() == spec.to_json());
  CHECK_THROWS_WITH_AS(SyntheticSpec::from_json(nlohmann::json{{"user", 5}}, "data.synthetic"),
                       doctest::Contains("data.synthetic.user: unknown parameter"), Error);
  CHECK_THROWS_WITH_AS(SyntheticSpec::from_json(nlohmann::json{{"users", "many"}}, "data.synthetic"),
                       "data.synthetic.users: expected a non-negative integer, got \"many\"", Error);
  CHECK_THROWS_WITH_AS(SyntheticSpec::from_json(nlohmann::json{{"items", 10}, {"min_items_per_user", 1}, {"mean_items_per_user", 20}}, "d"),
                       doctest::Contains("d.mean_items_per_user: expected a number in [min_items_per_user, 0.35 items]"),
                       Error);
  CHECK_THROWS_WITH_AS(SyntheticSpec::from_json(nlohmann::json{{"item_popularity_exponent", -1}}, "d"),
                       doctest::Contains("d.item_popularity_exponent: expected a number in [0, 5]"), Error);
  CHECK_THROWS_AS(SyntheticSpec::from_json(nlohmann::json::array(), "d"), Error);
}
