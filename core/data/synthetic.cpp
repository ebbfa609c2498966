#include "core/data/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/number_text.hpp"

namespace aelab {

namespace {

// Share of a topic's draws that go to items of other topics (popularity-weighted background).
constexpr double kOffTopicShare = 0.1;
constexpr double kTopicConcentration = 0.1;  // Dirichlet parameter of users' topic mixtures
constexpr double kMaxUserShare = 0.35;        // a user holds at most 35% of the items (ML-20M: 9,254 of 26,744)
// Rating = round(kRatingCentre + kRatingAffinity * log(d theta_u,home(j)) + 0.5 bias_u + 0.6 noise),
// clamped to 1..5: items of the user's favourite topics rate high. The centre puts about half the
// rows above 3.5 for the default and ML-20M-shaped specs.
constexpr double kRatingCentre = 3.2;
constexpr double kRatingAffinity = 0.45;

// Transforms of std::mt19937_64 output written here (the standard fixes the engine but not its
// distributions), so a seed gives the same data with any standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform_open() {                                                      // (0, 1)
    double u;
    do u = uniform();
    while (u == 0.0);
    return u;
  }
  std::uint64_t below(std::uint64_t n) {  // uniform in [0, n), by rejection (no modulo bias)
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t x;
    do x = engine_();
    while (x >= limit);
    return x % n;
  }
  double normal() {  // Box-Muller, one value per call (simple, and fast enough here)
    return std::sqrt(-2.0 * std::log(uniform_open())) * std::cos(6.283185307179586 * uniform());
  }
  double gamma(double shape) {  // Marsaglia & Tsang (2000); shape < 1 by the boost U^(1/shape)
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform_open(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
  template <typename T>
  void shuffle(std::vector<T>& a) {
    for (std::size_t i = a.size(); i-- > 1;) std::swap(a[i], a[below(i + 1)]);
  }

 private:
  std::mt19937_64 engine_;
};

// Walker/Vose alias table: O(1) draws from a fixed discrete distribution.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights) : probability_(weights.size()), alias_(weights.size()) {
    const std::size_t n = weights.size();
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      probability_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1.0 - scaled[s];
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (std::uint32_t i : large) probability_[i] = 1.0, alias_[i] = i;
    for (std::uint32_t i : small) probability_[i] = 1.0, alias_[i] = i;  // rounding leftovers
  }
  std::uint32_t draw(Random& random) const {
    const auto i = static_cast<std::uint32_t>(random.below(probability_.size()));
    return random.uniform() < probability_[i] ? i : alias_[i];
  }

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
};

// Interactions per user: min + a share of the rest proportional to rank^-b, capped (the excess of
// capped users is handed to the others until no share exceeds the cap), rounded stochastically.
std::vector<std::size_t> user_activity(const SyntheticSpec& spec, Random& random) {
  const std::size_t n = spec.users;
  std::vector<std::uint32_t> rank(n);
  std::iota(rank.begin(), rank.end(), 1u);
  random.shuffle(rank);
  std::vector<double> weight(n), extra(n, 0.0);
  for (std::size_t u = 0; u < n; ++u) weight[u] = std::pow(static_cast<double>(rank[u]), -spec.user_activity_exponent);
  const double min_items = static_cast<double>(spec.min_items_per_user);
  const double cap = std::max(min_items, std::floor(kMaxUserShare * static_cast<double>(spec.items))) - min_items;
  double to_share = static_cast<double>(n) * (spec.mean_items_per_user - min_items);
  std::vector<char> capped(n, 0);
  for (int round = 0; round < 100 && to_share > 0; ++round) {
    double free_weight = 0;
    for (std::size_t u = 0; u < n; ++u)
      if (!capped[u]) free_weight += weight[u];
    if (free_weight <= 0) break;
    bool newly_capped = false;
    double left = 0;
    for (std::size_t u = 0; u < n; ++u) {
      if (capped[u]) continue;
      extra[u] += to_share * weight[u] / free_weight;
      if (extra[u] > cap) {
        left += extra[u] - cap;
        extra[u] = cap;
        capped[u] = 1;
        newly_capped = true;
      }
    }
    to_share = left;
    if (!newly_capped) break;
  }
  std::vector<std::size_t> count(n);
  for (std::size_t u = 0; u < n; ++u)
    count[u] = spec.min_items_per_user +
               std::min(static_cast<std::size_t>(cap), static_cast<std::size_t>(std::floor(extra[u] + random.uniform())));
  return count;
}

void check(bool ok, const std::string& where, const char* key, const std::string& expected) {
  if (!ok) throw Error(where + "." + key + ": expected " + expected);
}

}  // namespace

SyntheticSpec SyntheticSpec::ml20m_shaped() {
  SyntheticSpec spec;
  spec.users = 138493;
  spec.items = 26744;
  spec.mean_items_per_user = 20000263.0 / 138493.0;
  spec.min_items_per_user = 20;
  return spec;
}

void SyntheticSpec::validate(const std::string& where) const {
  check(users >= 1 && users <= 100000000, where, "users", "an integer in [1, 1e8], got " + std::to_string(users));
  check(items >= 2 && items <= 100000000, where, "items", "an integer in [2, 1e8], got " + std::to_string(items));
  check(latent_dim >= 1 && latent_dim <= 10000, where, "latent_dim",
        "an integer in [1, 10000], got " + std::to_string(latent_dim));
  const double max_per_user = std::floor(kMaxUserShare * static_cast<double>(items));
  check(min_items_per_user >= 1 && static_cast<double>(min_items_per_user) <= max_per_user, where, "min_items_per_user",
        "an integer in [1, 0.35 items = " + std::to_string(static_cast<long long>(max_per_user)) + "], got " +
            std::to_string(min_items_per_user));
  check(std::isfinite(mean_items_per_user) && mean_items_per_user >= static_cast<double>(min_items_per_user) &&
            mean_items_per_user <= max_per_user,
        where, "mean_items_per_user",
        "a number in [min_items_per_user, 0.35 items] = [" + std::to_string(min_items_per_user) + ", " +
            std::to_string(static_cast<long long>(max_per_user)) + "], got " + round_trip_text(mean_items_per_user));
  check(std::isfinite(item_popularity_exponent) && item_popularity_exponent >= 0 && item_popularity_exponent <= 5, where,
        "item_popularity_exponent", "a number in [0, 5], got " + round_trip_text(item_popularity_exponent));
  check(std::isfinite(user_activity_exponent) && user_activity_exponent >= 0 && user_activity_exponent <= 5, where,
        "user_activity_exponent", "a number in [0, 5], got " + round_trip_text(user_activity_exponent));
}

SyntheticSpec SyntheticSpec::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw Error(where + ": expected an object of synthetic data parameters, got " + j.dump());
  SyntheticSpec spec;
  auto count = [&](const std::string& key, const nlohmann::json& v, std::size_t& out) {
    if (!v.is_number_integer() || v.get<long long>() < 0)
      throw Error(where + "." + key + ": expected a non-negative integer, got " + v.dump());
    out = v.get<std::size_t>();
  };
  auto number = [&](const std::string& key, const nlohmann::json& v, double& out) {
    if (!v.is_number()) throw Error(where + "." + key + ": expected a number, got " + v.dump());
    out = v.get<double>();
  };
  for (const auto& [key, value] : j.items()) {
    if (key == "users") count(key, value, spec.users);
    else if (key == "items") count(key, value, spec.items);
    else if (key == "latent_dim") count(key, value, spec.latent_dim);
    else if (key == "min_items_per_user") count(key, value, spec.min_items_per_user);
    else if (key == "mean_items_per_user") number(key, value, spec.mean_items_per_user);
    else if (key == "item_popularity_exponent") number(key, value, spec.item_popularity_exponent);
    else if (key == "user_activity_exponent") number(key, value, spec.user_activity_exponent);
    else if (key == "seed") {
      if (!value.is_number_integer() || value.get<long long>() < 0)
        throw Error(where + ".seed: expected a non-negative integer, got " + value.dump());
      spec.seed = value.get<std::uint64_t>();
    } else
      throw Error(where + "." + key +
                  ": unknown parameter (expected users, items, latent_dim, mean_items_per_user, min_items_per_user, "
                  "item_popularity_exponent, user_activity_exponent, seed)");
  }
  spec.validate(where);
  return spec;
}

nlohmann::json SyntheticSpec::to_json() const {
  return {{"users", users},
          {"items", items},
          {"latent_dim", latent_dim},
          {"mean_items_per_user", mean_items_per_user},
          {"min_items_per_user", min_items_per_user},
          {"item_popularity_exponent", item_popularity_exponent},
          {"user_activity_exponent", user_activity_exponent},
          {"seed", seed}};
}

void generate_synthetic(const SyntheticSpec& spec, const SyntheticUserVisitor& visit) {
  spec.validate("synthetic");
  Random random(spec.seed);
  const std::size_t n_items = spec.items, n_topics = spec.latent_dim;

  std::vector<std::uint32_t> popularity_rank(n_items);
  std::iota(popularity_rank.begin(), popularity_rank.end(), 1u);
  random.shuffle(popularity_rank);
  std::vector<double> popularity(n_items);
  for (std::size_t j = 0; j < n_items; ++j)
    popularity[j] = std::pow(static_cast<double>(popularity_rank[j]), -spec.item_popularity_exponent);

  // Each item belongs to one topic; a topic draws its own items in proportion to popularity, and
  // others (kOffTopicShare of its draws, in expectation) at a weight eps per unit popularity.
  std::vector<std::uint32_t> home(n_items);
  for (std::size_t j = 0; j < n_items; ++j) home[j] = static_cast<std::uint32_t>(random.below(n_topics));
  const double off_topic = n_topics == 1 ? 0.0 : kOffTopicShare / (1.0 - kOffTopicShare) / static_cast<double>(n_topics);
  std::vector<AliasTable> topics;
  topics.reserve(n_topics);
  std::vector<double> weights(n_items);
  for (std::size_t t = 0; t < n_topics; ++t) {
    for (std::size_t j = 0; j < n_items; ++j) weights[j] = popularity[j] * (home[j] == t ? 1.0 : off_topic);
    topics.emplace_back(weights);
  }

  const std::vector<std::size_t> activity = user_activity(spec, random);

  std::vector<std::uint32_t> last_seen(n_items, 0);  // user + 1 that last drew item j
  std::vector<double> mixture(n_topics);
  std::vector<std::pair<std::uint32_t, int>> drawn;
  std::vector<std::int64_t> items;
  std::vector<int> ratings;
  for (std::size_t u = 0; u < spec.users; ++u) {
    const auto stamp = static_cast<std::uint32_t>(u + 1);
    double total = 0;
    for (std::size_t t = 0; t < n_topics; ++t) total += mixture[t] = random.gamma(kTopicConcentration);
    if (!(total > 0)) mixture.assign(n_topics, 1.0), total = static_cast<double>(n_topics);
    for (std::size_t t = 0; t < n_topics; ++t) mixture[t] /= total;
    const double bias = random.normal();
    const std::size_t n_u = activity[u];
    drawn.clear();
    // Distinct items: redraw repeats; heavy users of a peaked distribution could need many redraws
    // (coupon collector), so after a generous budget the rest is drawn uniformly among unseen items
    // (at most 35% of the items are taken, so that terminates quickly).
    std::size_t attempts = 0;
    const std::size_t budget = 20 * n_u + 1000;
    while (drawn.size() < n_u) {
      double pick = random.uniform();
      std::size_t t = 0;
      while (t + 1 < n_topics && pick >= mixture[t]) pick -= mixture[t++];
      std::uint32_t j = ++attempts <= budget ? topics[t].draw(random) : static_cast<std::uint32_t>(random.below(n_items));
      if (last_seen[j] == stamp) continue;
      last_seen[j] = stamp;
      const double affinity = std::log(std::max(mixture[home[j]] * static_cast<double>(n_topics), 0.1));
      const double score = kRatingCentre + kRatingAffinity * affinity + 0.5 * bias + 0.6 * random.normal();
      drawn.emplace_back(j, static_cast<int>(std::clamp(std::floor(score + 0.5), 1.0, 5.0)));
    }
    std::sort(drawn.begin(), drawn.end());
    items.resize(n_u);
    ratings.resize(n_u);
    for (std::size_t k = 0; k < n_u; ++k) {
      items[k] = static_cast<std::int64_t>(drawn[k].first) + 1;
      ratings[k] = drawn[k].second;
    }
    visit(static_cast<std::int64_t>(u) + 1, items, ratings);
  }
}

RawInteractions generate_synthetic(const SyntheticSpec& spec) {
  RawInteractions raw;
  raw.source = "synthetic" + spec.to_json().dump();
  const auto expected = static_cast<std::size_t>(static_cast<double>(spec.users) * spec.mean_items_per_user * 1.02) + 16;
  raw.user.reserve(expected);
  raw.item.reserve(expected);
  raw.value.reserve(expected);
  generate_synthetic(spec, [&](std::int64_t user, const std::vector<std::int64_t>& items, const std::vector<int>& ratings) {
    const std::uint32_t u = raw.users.intern(user);
    for (std::size_t k = 0; k < items.size(); ++k) {
      raw.user.push_back(u);
      raw.item.push_back(raw.items.intern(items[k]));
      raw.value.push_back(ratings[k]);
    }
  });
  return raw;
}

std::size_t write_synthetic_movielens_csv(const SyntheticSpec& spec, const std::string& path) {
  spec.validate("synthetic");
  FileWriter out(path, true);
  out.write("userId,movieId,rating,timestamp\n");
  std::size_t rows = 0;
  const std::int64_t first_timestamp = 1000000000;
  generate_synthetic(spec, [&](std::int64_t user, const std::vector<std::int64_t>& items, const std::vector<int>& ratings) {
    for (std::size_t k = 0; k < items.size(); ++k) {
      out.write_integer(user);
      out.put(',');
      out.write_integer(items[k]);
      out.put(',');
      out.put(static_cast<char>('0' + ratings[k]));
      out.write(".0,");
      out.write_integer(first_timestamp + static_cast<std::int64_t>(rows++));
      out.put('\n');
    }
  });
  out.commit();
  return rows;
}

}  // namespace aelab
