#pragma once
// Seeded synthetic interaction data: latent-factor preferences with power-law item popularity and
// user activity. The embedded default data of the quickstart, and the source of scale benchmarks
// (e.g. an ML-20M-shaped ratings.csv of about 138k users, 27k items and 20 M rows).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/raw_interactions.hpp"

namespace aelab {

struct SyntheticSpec {
  std::size_t users = 3000;
  std::size_t items = 800;
  std::size_t latent_dim = 16;             // rank of the preference structure
  double mean_items_per_user = 40;         // average interactions per user
  double item_popularity_exponent = 1.0;   // Zipf exponent of item popularity
  double user_activity_exponent = 1.0;     // power-law exponent of user activity
  std::uint64_t seed = 1;

  // Validates a JSON object (unknown keys and out-of-range values are errors naming `where.key`).
  static SyntheticSpec from_json(const nlohmann::json& j, const std::string& where);
  nlohmann::json to_json() const;
};

// Rows carry integer user and item ids and a rating in {1, ..., 5} (so the protocol's threshold
// applies as on MovieLens).
RawInteractions generate_synthetic(const SyntheticSpec& spec);

}  // namespace aelab
