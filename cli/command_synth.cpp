// `aelab synth`: writes seeded synthetic interactions as a MovieLens ratings.csv (streamed, so an
// ML-20M-shaped file of 20 M rows needs little memory), to be split or inspected like real data.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/command_line.hpp"
#include "cli/text_format.hpp"
#include "core/data/synthetic.hpp"
#include "core/util/error.hpp"
#include "core/util/json_text.hpp"
#include "core/util/timer.hpp"

namespace aelab::cli {

namespace {

// A JSON object of generator parameters read from `file`, merged over `spec`.
SyntheticSpec merge_spec_file(const SyntheticSpec& spec, const std::string& file) {
  const nlohmann::json j = read_json_file(file, "the generator parameters");
  if (!j.is_object()) throw Error(file + ": expected a JSON object of generator parameters");
  nlohmann::json merged = spec.to_json();
  for (const auto& [key, value] : j.items()) merged[key] = value;
  return SyntheticSpec::from_json(merged, file);
}

template <typename T>
void override_with(T& field, const std::optional<T>& given) {
  if (given) field = *given;
}

}  // namespace

int command_synth(const Arguments& args) {
  CommandLine cl("aelab synth",
                 "Writes seeded synthetic interactions (latent-factor preferences, power-law item popularity and user\n"
                 "activity, ratings 1-5) as a MovieLens ratings.csv: read it with --format movielens-csv.\n"
                 "Parameters: a --preset, then a --spec JSON file, then the individual options, each overriding the last.");
  std::string out, preset = "default";
  std::optional<std::string> spec_file;
  std::optional<std::size_t> users, items, latent_dim, min_items;
  std::optional<std::uint64_t> seed;
  std::optional<double> mean_items, item_exponent, user_exponent;
  bool force = false;
  cl.option("--out", out, "FILE", "output ratings.csv (written atomically)")->required();
  cl.option("--preset", preset, "NAME", "default (3000 users x 800 items) or ml20m (138,493 x 26,744, 20 M rows)")
      ->check(one_of({"default", "ml20m"}));
  cl.option("--spec", spec_file, "FILE", "JSON object of generator parameters (keys as printed by this command)")
      ->check(existing_file());
  cl.option("--users", users, "N", "number of users");
  cl.option("--items", items, "N", "number of items");
  cl.option("--latent-dim", latent_dim, "K", "number of latent topics (rank of the preference structure)");
  cl.option("--mean-items", mean_items, "X", "mean rows per user");
  cl.option("--min-items", min_items, "N", "minimum rows per user");
  cl.option("--item-exponent", item_exponent, "A", "Zipf exponent of item popularity");
  cl.option("--user-exponent", user_exponent, "B", "power-law exponent of user activity");
  cl.option("--seed", seed, "S", "random seed");
  cl.flag("--force", force, "replace FILE when it already exists");
  if (!cl.parse(args)) return 0;

  SyntheticSpec spec = preset == "ml20m" ? SyntheticSpec::ml20m_shaped() : SyntheticSpec();
  if (spec_file) spec = merge_spec_file(spec, *spec_file);
  override_with(spec.users, users);
  override_with(spec.items, items);
  override_with(spec.latent_dim, latent_dim);
  override_with(spec.min_items_per_user, min_items);
  override_with(spec.seed, seed);
  override_with(spec.mean_items_per_user, mean_items);
  override_with(spec.item_popularity_exponent, item_exponent);
  override_with(spec.user_activity_exponent, user_exponent);
  spec.validate(cl.command());
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !force)
    throw Error(cl.command() + ": " + out + " already exists (use --force to replace it)");

  Timer timer;
  const std::size_t rows = write_synthetic_movielens_csv(spec, out);
  std::cout << "spec: " << spec.to_json().dump() << "\n";
  std::cout << "wrote: " << out << ": " << rows << " rows, " << spec.users << " users, " << spec.items << " item ids in "
            << seconds_text(timer.seconds()) << "\n";
  return 0;
}

}  // namespace aelab::cli
