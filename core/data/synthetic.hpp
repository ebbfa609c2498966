#pragma once
// Seeded synthetic interaction data: latent-factor preferences with power-law item popularity and
// user activity. The embedded default data of the quickstart, and the source of scale benchmarks
// (e.g. an ML-20M-shaped ratings.csv of about 138k users, 27k items and 20 M rows).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/raw_interactions.hpp"

namespace aelab {

// The model (all draws from one seeded std::mt19937_64, with aelab's own transforms so the data does
// not depend on the standard library's distribution implementations):
//  - item j has a popularity rank r_j (a random permutation of 1..items) and weight r_j^-a
//    (a = item_popularity_exponent: Zipf);
//  - latent_dim topics; each item belongs to one (uniformly at random); topic t picks its own items
//    in proportion to popularity and, for 10% of its picks, other items (also by popularity);
//  - user u mixes topics with theta_u ~ Dirichlet(0.1) (a few topics each): the probability that u
//    picks item j is sum_t theta_ut phi_tj, a rank-latent_dim preference matrix;
//  - user activity: min_items_per_user plus a share of the remaining interactions proportional to
//    s_u^-b (s_u a random permutation of 1..users, b = user_activity_exponent), capped at 35% of
//    the items, so the mean is mean_items_per_user;
//  - each user's items are distinct; the rating in 1..5 rises with the user's weight on the item's
//    topic (plus a user bias and noise), so about half the rows are rated > 3.5 and binarizing at
//    3.5, as on MovieLens, keeps (and sharpens) the preference structure.
struct SyntheticSpec {
  std::size_t users = 3000;
  std::size_t items = 800;
  std::size_t latent_dim = 16;             // rank of the preference structure
  double mean_items_per_user = 40;         // average interactions per user
  double item_popularity_exponent = 1.0;   // Zipf exponent of item popularity
  double user_activity_exponent = 1.0;     // power-law exponent of user activity
  std::uint64_t seed = 1;
  std::size_t min_items_per_user = 5;      // every user has at least this many rows

  // ML-20M's shape: 138,493 users, 26,744 items, 20,000,263 ratings (mean 144.41), at least 20 per user.
  static SyntheticSpec ml20m_shaped();
  // Throws aelab::Error naming `where` and the parameter when a value is out of range.
  void validate(const std::string& where) const;

  // Validates a JSON object (unknown keys and out-of-range values are errors naming `where.key`).
  static SyntheticSpec from_json(const nlohmann::json& j, const std::string& where);
  nlohmann::json to_json() const;
};

// Rows carry integer user and item ids (1-based) and a rating in {1, ..., 5} (so the protocol's
// threshold applies as on MovieLens). Users in id order, each user's items ascending.
RawInteractions generate_synthetic(const SyntheticSpec& spec);

// The same rows, streamed one user at a time (constant memory in the number of rows): `visit` gets
// the 1-based user id, the user's ascending 1-based item ids and their ratings.
using SyntheticUserVisitor =
    std::function<void(std::int64_t user, const std::vector<std::int64_t>& items, const std::vector<int>& ratings)>;
void generate_synthetic(const SyntheticSpec& spec, const SyntheticUserVisitor& visit);

// Streams the rows into a MovieLens ratings.csv (header userId,movieId,rating,timestamp; ratings as
// "4.0"; increasing synthetic timestamps), written atomically (temporary file renamed into place).
// Returns the number of rows written.
std::size_t write_synthetic_movielens_csv(const SyntheticSpec& spec, const std::string& path);

}  // namespace aelab
